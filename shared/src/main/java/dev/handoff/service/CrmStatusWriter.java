package dev.handoff.service;

import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the handoff's status to the CRM deal and records in the ledger what was written, so a redelivered
 * message repeats the write only when the deal has not received it yet.
 */
public final class CrmStatusWriter {

    private final CrmClient crm;
    private final Ledger ledger;
    private final Clock clock;

    public CrmStatusWriter(CrmClient crm, Ledger ledger, Clock clock) {
        this.crm = crm;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Shows sales on the deal what blocks the handoff: a status, the reason, and a note in plain words.
     * {@code crmDetail}, when not empty, is added on the deal only: it may quote the accounting system's
     * validation text, which can echo customer data and so stays out of the ledger.
     */
    public Handoff writeBlocked(Handoff handoff, String crmDetail) {
        String signature = "BLOCKED|" + handoff.blockedReason();
        if (signature.equals(handoff.crmSyncedStatus())) {
            return handoff;
        }
        String reason = crmDetail == null || crmDetail.isBlank()
                ? handoff.blockedReason()
                : handoff.blockedReason() + " " + crmDetail;
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(CrmProperties.HANDOFF_STATUS, HandoffState.BLOCKED.name());
        properties.put(CrmProperties.BLOCKED_REASON, reason);
        properties.put(CrmProperties.LAST_SYNCED_AT, Instant.now(clock).toString());
        crm.updateDeal(handoff.key().dealId(), properties);
        crm.addDealNote(handoff.key().dealId(), "Handoff to accounting is on hold. " + reason
                + " Once fixed, move the deal to the won stage again to resume.");
        return recordSynced(handoff, signature);
    }

    /** Writes the handoff state, invoice number, status and amounts, if they differ from what the deal last received. */
    public Handoff writeInvoiceStatus(Handoff handoff) {
        String signature = String.join("|", handoff.state().name(), handoff.invoiceId(), handoff.paymentStatus(),
                plain(handoff.amountDue()), plain(handoff.amountPaid()), plain(handoff.amountCredited()));
        if (signature.equals(handoff.crmSyncedStatus())) {
            return handoff;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(CrmProperties.INVOICE_ID, handoff.invoiceId());
        if (handoff.invoiceNumber() != null) {
            properties.put(CrmProperties.INVOICE_NUMBER, handoff.invoiceNumber());
        }
        properties.put(CrmProperties.INVOICE_STATUS, handoff.paymentStatus());
        properties.put(CrmProperties.AMOUNT_DUE, plain(handoff.amountDue()));
        properties.put(CrmProperties.AMOUNT_PAID, plain(handoff.amountPaid()));
        properties.put(CrmProperties.AMOUNT_CREDITED, plain(handoff.amountCredited()));
        properties.put(CrmProperties.HANDOFF_STATUS, handoff.state().name());
        properties.put(CrmProperties.BLOCKED_REASON, "");
        properties.put(CrmProperties.LAST_SYNCED_AT, Instant.now(clock).toString());
        crm.updateDeal(handoff.key().dealId(), properties);
        return recordSynced(handoff, signature);
    }

    private Handoff recordSynced(Handoff handoff, String signature) {
        Handoff updated = ledger.update(handoff, HandoffChange.none().set(Attribute.CRM_SYNCED_STATUS, signature),
                Instant.now(clock));
        ledger.appendEvent(handoff.key(), "crm", "updated", "status " + handoff.state(), Instant.now(clock));
        return updated;
    }

    private static String plain(BigDecimal amount) {
        return Objects.requireNonNullElse(amount, BigDecimal.ZERO).setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
