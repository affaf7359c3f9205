package dev.handoff.service;

import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.review.ReviewItem;
import dev.handoff.review.ReviewStatus;
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
        String reason = withDetail(handoff.blockedReason(), crmDetail);
        writeStatus(handoff, HandoffState.BLOCKED, reason);
        crm.addDealNote(handoff.key().dealId(), "Handoff to accounting is on hold. " + reason
                + " Once fixed, move the deal to the won stage again to resume.");
        return recordSynced(handoff, signature);
    }

    /**
     * Shows sales on the deal that finance is reviewing the handoff: status IN_REVIEW, the reason, and a note
     * naming the review id. {@code crmDetail} is added on the deal only, as in {@link #writeBlocked}.
     */
    public Handoff writeInReview(Handoff handoff, ReviewItem review, String crmDetail) {
        String signature = "IN_REVIEW|" + review.id();
        if (signature.equals(handoff.crmSyncedStatus())) {
            return handoff;
        }
        String reason = withDetail(handoff.blockedReason(), crmDetail);
        writeStatus(handoff, HandoffState.IN_REVIEW, reason);
        crm.addDealNote(handoff.key().dealId(), "Handoff to accounting is waiting for a finance review (" + review.type()
                + ", review " + review.id() + "). " + reason + " Finance approves or rejects it; approval resumes the handoff.");
        return recordSynced(handoff, signature);
    }

    /**
     * Records a reviewer's decision on the deal: a note with who decided, when and why, and for a rejection the
     * status REJECTED. An approval's status follows from the resumed handoff.
     */
    public Handoff writeReviewDecision(Handoff handoff, ReviewItem review) {
        String verb = review.status() == ReviewStatus.APPROVED ? "approved" : "rejected";
        crm.addDealNote(handoff.key().dealId(), "Finance review " + review.id() + " (" + review.type() + ") was " + verb
                + " by " + review.decidedBy() + " at " + review.decidedAt() + ": " + review.decisionReason()
                + (review.status() == ReviewStatus.APPROVED ? " The handoff resumes." : " The handoff is closed."));
        if (review.status() != ReviewStatus.REJECTED) {
            return handoff;
        }
        writeStatus(handoff, HandoffState.REJECTED, "Rejected in finance review: " + review.decisionReason());
        return recordSynced(handoff, "REJECTED|" + review.id());
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

    private void writeStatus(Handoff handoff, HandoffState status, String reason) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(CrmProperties.HANDOFF_STATUS, status.name());
        properties.put(CrmProperties.BLOCKED_REASON, reason);
        properties.put(CrmProperties.LAST_SYNCED_AT, Instant.now(clock).toString());
        crm.updateDeal(handoff.key().dealId(), properties);
    }

    private static String withDetail(String reason, String crmDetail) {
        return crmDetail == null || crmDetail.isBlank() ? reason : reason + " " + crmDetail;
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
