package dev.handoff.accounting.xero.auth;

/**
 * Xero's identity server rejected a refresh token or authorisation code with {@code invalid_grant}: the token
 * was used already outside its grace period, expired after 60 days unused, or the user revoked access.
 */
public class RefreshTokenRejectedException extends RuntimeException {

    public RefreshTokenRejectedException(String message) {
        super(message);
    }
}
