package dev.handoff.service;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffState;
import dev.handoff.error.NotFoundException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.message.Json;
import dev.handoff.review.ReviewItem;
import dev.handoff.review.ReviewStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the handoff's status to the CRM deal and records in the ledger what was written. Each write sends only
 * the properties whose value differs from what the deal last received, plus the sync time, so a redelivered
 * message writes nothing when the deal is already up to date.
 *
 * <p>The ledger keeps the written values as a JSON object in {@code crmSyncedStatus}. A value in an older form,
 * or none, counts as nothing written, so every property is sent.
 */
public final class CrmStatusWriter {

    private static final Logger LOG = LoggerFactory.getLogger(CrmStatusWriter.class);
    /** Resume states of a handoff held after its invoice exists: finance reviews it, sales cannot fix it. */
    private static final EnumSet<HandoffState> INVOICE_EXISTS = EnumSet.of(HandoffState.INVOICED,
            HandoffState.PARTIALLY_PAID, HandoffState.PAID, HandoffState.ONBOARDING_PENDING, HandoffState.ONBOARDING_SENT,
            HandoffState.VOIDED);
    private static final TypeReference<LinkedHashMap<String, String>> PROPERTY_MAP = new TypeReference<>() {
    };

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
        Map<String, String> recorded = new LinkedHashMap<>();
        recorded.put(CrmProperties.HANDOFF_STATUS, HandoffState.BLOCKED.name());
        recorded.put(CrmProperties.BLOCKED_REASON, handoff.blockedReason());
        Map<String, String> changed = changed(handoff, recorded);
        if (changed.isEmpty()) {
            return handoff;
        }

        String reason = withDetail(handoff.blockedReason(), crmDetail);
        if (changed.containsKey(CrmProperties.BLOCKED_REASON)) {
            changed.put(CrmProperties.BLOCKED_REASON, reason);
        }
        changed.put(CrmProperties.LAST_SYNCED_AT, Instant.now(clock).toString());
        try {
            crm.updateDeal(handoff.key().dealId(), changed);
            // The CRM adapter skips a note whose text the deal already has, so a retry after a lost response adds none.
            crm.addDealNote(handoff.key().dealId(), "Handoff to accounting is on hold. " + reason + " " + nextStep(handoff));
        } catch (NotFoundException e) {
            return dealGone(handoff);
        }
        return recordSynced(handoff, recorded);
    }

    /**
     * Shows sales on the deal that finance is reviewing the handoff: status IN_REVIEW, the reason, and a note
     * naming the review id. {@code crmDetail} is added on the deal only, as in {@link #writeBlocked}.
     */
    public Handoff writeInReview(Handoff handoff, ReviewItem review, String crmDetail) {
        Map<String, String> recorded = new LinkedHashMap<>();
        recorded.put(CrmProperties.HANDOFF_STATUS, HandoffState.IN_REVIEW.name());
        recorded.put(CrmProperties.BLOCKED_REASON, handoff.blockedReason());
        Map<String, String> changed = changed(handoff, recorded);
        String reason = withDetail(handoff.blockedReason(), crmDetail);
        if (changed.containsKey(CrmProperties.BLOCKED_REASON)) {
            changed.put(CrmProperties.BLOCKED_REASON, reason);
        }
        try {
            if (!changed.isEmpty()) {
                changed.put(CrmProperties.LAST_SYNCED_AT, Instant.now(clock).toString());
                crm.updateDeal(handoff.key().dealId(), changed);
            }
            // One note per review: the text names the review, and the adapter skips a note the deal already has.
            crm.addDealNote(handoff.key().dealId(), "Handoff to accounting is waiting for a finance review ("
                    + review.type() + ", review " + review.id() + "). " + reason
                    + " Finance approves or rejects it; approval resumes the handoff.");
        } catch (NotFoundException e) {
            return dealGone(handoff);
        }
        return changed.isEmpty() ? handoff : recordSynced(handoff, recorded);
    }

    /**
     * Records a reviewer's decision on the deal: a note with who decided, when and why, and for a rejection the
     * status REJECTED. An approval's status follows from the resumed handoff.
     */
    public Handoff writeReviewDecision(Handoff handoff, ReviewItem review) {
        boolean approved = review.status() == ReviewStatus.APPROVED;
        try {
            crm.addDealNote(handoff.key().dealId(), "Finance review " + review.id() + " (" + review.type() + ") was "
                    + (approved ? "approved" : "rejected") + " by " + review.decidedBy() + " at " + review.decidedAt()
                    + ": " + review.decisionReason() + (approved ? " The handoff resumes." : " The handoff is closed."));
            if (review.status() != ReviewStatus.REJECTED) {
                return handoff;
            }
            Map<String, String> recorded = new LinkedHashMap<>();
            recorded.put(CrmProperties.HANDOFF_STATUS, HandoffState.REJECTED.name());
            recorded.put(CrmProperties.BLOCKED_REASON, "Rejected in finance review: " + review.decisionReason());
            Map<String, String> changed = changed(handoff, recorded);
            if (changed.isEmpty()) {
                return handoff;
            }
            changed.put(CrmProperties.LAST_SYNCED_AT, Instant.now(clock).toString());
            crm.updateDeal(handoff.key().dealId(), changed);
            return recordSynced(handoff, recorded);
        } catch (NotFoundException e) {
            return dealGone(handoff);
        }
    }

    /** Writes the handoff state, invoice number, status and amounts that differ from what the deal last received. */
    public Handoff writeInvoiceStatus(Handoff handoff) {
        Map<String, String> recorded = new LinkedHashMap<>();
        recorded.put(CrmProperties.INVOICE_ID, handoff.invoiceId());
        if (handoff.invoiceNumber() != null) {
            recorded.put(CrmProperties.INVOICE_NUMBER, handoff.invoiceNumber());
        }
        recorded.put(CrmProperties.INVOICE_STATUS, handoff.paymentStatus());
        recorded.put(CrmProperties.AMOUNT_DUE, plain(handoff.amountDue()));
        recorded.put(CrmProperties.AMOUNT_PAID, plain(handoff.amountPaid()));
        recorded.put(CrmProperties.AMOUNT_CREDITED, plain(handoff.amountCredited()));
        recorded.put(CrmProperties.HANDOFF_STATUS, handoff.state().name());
        recorded.put(CrmProperties.BLOCKED_REASON, "");
        Map<String, String> changed = changed(handoff, recorded);
        if (changed.isEmpty()) {
            return handoff;
        }

        changed.put(CrmProperties.LAST_SYNCED_AT, Instant.now(clock).toString());
        try {
            crm.updateDeal(handoff.key().dealId(), changed);
        } catch (NotFoundException e) {
            return dealGone(handoff);
        }
        return recordSynced(handoff, recorded);
    }

    /** Records that the deal no longer exists in the CRM; retrying the write cannot succeed, so none is made. */
    private Handoff dealGone(Handoff handoff) {
        LOG.warn("Deal of handoff {} was not found in the CRM; its status {} is kept in the ledger only",
                handoff.key(), handoff.state());
        ledger.appendEvent(handoff.key(), "crm", "not_found", "deal not found; status " + handoff.state()
                + " not written", Instant.now(clock));
        return handoff;
    }

    /** Returns the properties in {@code values} that differ from the values last recorded as written. */
    private static Map<String, String> changed(Handoff handoff, Map<String, String> values) {
        Map<String, String> previous = lastWritten(handoff);
        Map<String, String> changed = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (!previous.containsKey(name) || !Objects.equals(previous.get(name), value)) {
                changed.put(name, value);
            }
        });
        return changed;
    }

    private static Map<String, String> lastWritten(Handoff handoff) {
        String stored = handoff.crmSyncedStatus();
        if (stored == null || !stored.startsWith("{")) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(stored, PROPERTY_MAP);
        } catch (IOException e) {
            LOG.warn("Handoff {} has an unreadable record of CRM writes; every property is written again", handoff.key());
            return Map.of();
        }
    }

    private static String withDetail(String reason, String crmDetail) {
        return crmDetail == null || crmDetail.isBlank() ? reason : reason + " " + crmDetail;
    }

    private static String nextStep(Handoff handoff) {
        if (handoff.resumeState() != null && INVOICE_EXISTS.contains(handoff.resumeState())) {
            return "Finance will review it; the existing invoice stays as it is until then.";
        }
        return "Once fixed, move the deal to the won stage again to resume.";
    }

    private Handoff recordSynced(Handoff handoff, Map<String, String> written) {
        Handoff updated = ledger.update(handoff,
                HandoffChange.none().set(Attribute.CRM_SYNCED_STATUS, Json.write(written)), Instant.now(clock));
        ledger.appendEvent(handoff.key(), "crm", "updated", "status " + handoff.state(), Instant.now(clock));
        return updated;
    }

    private static String plain(BigDecimal amount) {
        return Objects.requireNonNullElse(amount, BigDecimal.ZERO).setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
