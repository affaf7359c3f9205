package dev.handoff.ledger;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One handoff as stored in the ledger. {@code version} increases by one on every write and guards every
 * conditional update. {@code resumeState} is the state to return to once a BLOCKED or FAILED handoff is fixed.
 * Holds ids, states and amounts only, never names, e-mails, VAT numbers or addresses.
 */
public record Handoff(
        HandoffKey key,
        HandoffState state,
        long version,
        String tenantId,
        String firstEventId,
        String customerId,
        String invoiceIdempotencyKey,
        Instant invoiceInFlightSince,
        String invoiceId,
        String invoiceNumber,
        String invoiceStatus,
        String currency,
        BigDecimal invoiceTotal,
        BigDecimal amountDue,
        BigDecimal amountPaid,
        BigDecimal amountCredited,
        String paymentStatus,
        String crmSyncedStatus,
        String blockedReason,
        List<String> blockedFields,
        HandoffState resumeState,
        Instant createdAt,
        Instant updatedAt) {

    public Handoff {
        blockedFields = blockedFields == null ? List.of() : List.copyOf(blockedFields);
    }
}
