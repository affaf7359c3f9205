package dev.handoff.ledger;

import java.time.Instant;

/**
 * A parked scope (for example {@code xero:<tenantId>}): a configuration or authorisation error stopped its work,
 * and the consumers hold its messages until an operator fixes the cause and unparks it.
 */
public record TenantPark(String scope, String reason, Instant parkedAt) {
}
