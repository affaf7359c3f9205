package dev.handoff.accounting.xero.auth;

import java.time.Instant;

/**
 * A tenant's token record in the ledger. {@code version} rises with every write, so a refresher can make its
 * write conditional on the version it read. {@code refreshLeaseUntil} is set while one instance refreshes,
 * so the others wait for its result rather than spending the same refresh token.
 */
public record StoredXeroTokens(
        String tenantId,
        XeroTokens tokens,
        XeroConnectionStatus status,
        long version,
        Instant refreshedAt,
        String refreshLeaseOwner,
        Instant refreshLeaseUntil) {

    /** Returns true if another refresher holds an unexpired lease at {@code now}. */
    public boolean isLeasedAt(Instant now) {
        return refreshLeaseUntil != null && refreshLeaseUntil.isAfter(now);
    }

    @Override
    public String toString() {
        return "StoredXeroTokens[tenantId=" + tenantId + ", status=" + status + ", version=" + version + "]";
    }
}
