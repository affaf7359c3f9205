package dev.handoff.domain;

import java.util.Objects;

/**
 * Business identity of one handoff: the CRM, the CRM account (HubSpot portal id) and the deal id.
 * Its {@link #value()} is the ledger partition key suffix and the root of every idempotency key.
 */
public record HandoffKey(String crm, String accountId, String dealId) {

    public HandoffKey {
        Objects.requireNonNull(crm, "crm");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(dealId, "dealId");
        if (crm.contains(":") || accountId.contains(":") || dealId.contains(":")) {
            throw new IllegalArgumentException("Handoff key parts must not contain ':'");
        }
    }

    public static HandoffKey hubspot(String portalId, String dealId) {
        return new HandoffKey("hubspot", portalId, dealId);
    }

    /** Parses the form produced by {@link #value()}, for example {@code hubspot:9999999:48000000001}. */
    public static HandoffKey parse(String value) {
        String[] parts = value.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("Invalid handoff key '" + value + "': expected crm:account:deal");
        }
        return new HandoffKey(parts[0], parts[1], parts[2]);
    }

    public String value() {
        return crm + ":" + accountId + ":" + dealId;
    }

    @Override
    public String toString() {
        return value();
    }
}
