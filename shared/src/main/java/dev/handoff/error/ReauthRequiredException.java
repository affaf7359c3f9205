package dev.handoff.error;

/**
 * The accounting system rejected the tenant's refresh token (for example Xero's {@code invalid_grant}), so
 * no call for that tenant can succeed until a person connects the organisation again. The tenant is marked
 * REAUTH_REQUIRED in the ledger, and its messages should be parked, not dead-lettered.
 */
public class ReauthRequiredException extends ConfigurationException {

    private final String tenantId;

    public ReauthRequiredException(String tenantId, String message) {
        super(message);
        this.tenantId = tenantId;
    }

    public String tenantId() {
        return tenantId;
    }
}
