package dev.handoff.accounting.xero.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One OAuth 2.0 token pair from Xero's identity server. Xero rotates the refresh token on every refresh, so
 * the pair is always stored together. {@link #toString()} shows only the expiry.
 *
 * @see <a href="https://developer.xero.com/documentation/guides/oauth2/auth-flow">Xero's authorisation code flow</a>
 */
public record XeroTokens(String accessToken, String refreshToken, Instant accessTokenExpiresAt) {

    public XeroTokens {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(accessTokenExpiresAt, "accessTokenExpiresAt");
    }

    /** Returns true if the access token is still valid for at least {@code margin} after {@code now}. */
    public boolean isValidFor(Duration margin, Instant now) {
        return accessTokenExpiresAt.isAfter(now.plus(margin));
    }

    @Override
    public String toString() {
        return "XeroTokens[accessTokenExpiresAt=" + accessTokenExpiresAt + "]";
    }
}
