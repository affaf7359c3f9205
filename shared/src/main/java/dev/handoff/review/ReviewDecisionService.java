package dev.handoff.review;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.error.NotFoundException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.message.DealWonMessage;
import dev.handoff.message.InvoiceRequestMessage;
import dev.handoff.message.PaymentEventMessage;
import dev.handoff.message.QueuePublisher;
import dev.handoff.service.CrmStatusWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a person's decision on a review item and moves the handoff on. Both decisions store who decided, when
 * and why, and leave a note on the CRM deal.
 *
 * <p>Approval resumes the handoff from the state it was held at, once no other review of it is pending: at
 * RECEIVED it sends a deal-won message, so the customer step runs again; at CUSTOMER_READY it sends an invoice
 * request; at a state after invoicing (INVOICED, PAID, VOIDED and so on) it writes that state to the deal, and
 * while the invoice can still be paid it requests a payment sync, because payment events that arrived during
 * the hold were ignored. The rules skip a finding a person approved, so the resumed handoff does not stop again
 * for the same reason.
 * Rejection moves the handoff to REJECTED, where nothing more happens to it.
 */
public final class ReviewDecisionService {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewDecisionService.class);
    /** Invoiced states whose onboarding trigger is not sent yet, so a payment can still move them on. */
    private static final Set<HandoffState> AWAITS_PAYMENT = EnumSet.of(HandoffState.INVOICED, HandoffState.PARTIALLY_PAID,
            HandoffState.PAID, HandoffState.ONBOARDING_PENDING);

    private final Ledger ledger;
    private final ReviewStore reviews;
    private final CrmStatusWriter crmStatus;
    private final QueuePublisher queue;
    private final String dealWonQueueUrl;
    private final String invoiceQueueUrl;
    private final String paymentEventsQueueUrl;
    private final Clock clock;

    public ReviewDecisionService(Ledger ledger, ReviewStore reviews, CrmStatusWriter crmStatus, QueuePublisher queue,
            String dealWonQueueUrl, String invoiceQueueUrl, String paymentEventsQueueUrl, Clock clock) {
        this.ledger = ledger;
        this.reviews = reviews;
        this.crmStatus = crmStatus;
        this.queue = queue;
        this.dealWonQueueUrl = dealWonQueueUrl;
        this.invoiceQueueUrl = invoiceQueueUrl;
        this.paymentEventsQueueUrl = paymentEventsQueueUrl;
        this.clock = clock;
    }

    /** Lists reviews in a status, oldest first, as {@link ReviewStore#list} does. */
    public List<ReviewItem> list(ReviewStatus status, Optional<ReviewType> type, Optional<Instant> createdBefore) {
        return reviews.list(status, type, createdBefore);
    }

    /**
     * Returns one review.
     *
     * @throws NotFoundException if no review has this id
     */
    public ReviewItem show(String reviewId) {
        return reviews.find(reviewId).orElseThrow(() -> new NotFoundException("Review " + reviewId
                + " was not found; ./handoff reviews list prints the ids of pending reviews"));
    }

    /**
     * Approves a pending review and resumes its handoff when no other review of it is pending. Approving an approved
     * review again finishes a resume that failed after the decision was stored.
     *
     * @throws IllegalArgumentException if {@code reviewer} or {@code reason} is blank, or the id is invalid
     * @throws NotFoundException if no review has this id
     * @throws ReviewAlreadyDecidedException if the review was decided before
     */
    public ReviewItem approve(String reviewId, String reviewer, String reason) {
        ReviewItem earlier = show(reviewId);
        if (earlier.status() == ReviewStatus.APPROVED && resumeMayBeMissing(earlier)) {
            finishApproval(earlier);
            return earlier;
        }
        ReviewItem decided = decide(reviewId, ReviewStatus.APPROVED, reviewer, reason);
        HandoffKey key = decided.handoffKey();
        Handoff handoff = crmStatus.writeReviewDecision(handoff(key), decided);

        boolean othersPending = reviews.forHandoff(key).stream().anyMatch(ReviewItem::isPending);
        if (handoff.state() != HandoffState.IN_REVIEW || othersPending) {
            LOG.info("Review {} approved; handoff {} stays at {}", decided.id(), key, handoff.state());
            return decided;
        }
        resume(handoff, decided);
        return decided;
    }

    /**
     * Rejects a pending review and closes its handoff as REJECTED.
     *
     * @throws IllegalArgumentException if {@code reviewer} or {@code reason} is blank, or the id is invalid
     * @throws NotFoundException if no review has this id
     * @throws ReviewAlreadyDecidedException if the review was decided before
     */
    public ReviewItem reject(String reviewId, String reviewer, String reason) {
        ReviewItem decided = decide(reviewId, ReviewStatus.REJECTED, reviewer, reason);
        Handoff handoff = handoff(decided.handoffKey());
        if (handoff.state() == HandoffState.IN_REVIEW) {
            handoff = ledger.transition(handoff, HandoffState.REJECTED, HandoffChange.none()
                    .set(Attribute.BLOCKED_REASON, "Rejected in review " + decided.id())
                    .clear(Attribute.RESUME_STATE), now());
        }
        crmStatus.writeReviewDecision(handoff, decided);
        LOG.info("Review {} rejected; handoff {} is at {}", decided.id(), decided.handoffKey(), handoff.state());
        return decided;
    }

    /**
     * Returns true when the approval's resume never finished: no review of the handoff is pending, and the
     * timeline has no "resumed" event since the approval. A throttled CRM write, a queue error or a stale ledger
     * write can stop the approval after it was stored.
     */
    private boolean resumeMayBeMissing(ReviewItem approved) {
        HandoffKey key = approved.handoffKey();
        return reviews.forHandoff(key).stream().noneMatch(ReviewItem::isPending)
                && ledger.timeline(key).stream().noneMatch(event -> event.step().equals("review")
                        && event.outcome().equals("resumed") && !event.at().isBefore(approved.decidedAt()));
    }

    /**
     * Finishes an approval that stopped after it was stored, from where it stopped. Sending a resume message
     * again is harmless, because the services check the ledger first.
     */
    private void finishApproval(ReviewItem approved) {
        Handoff handoff = handoff(approved.handoffKey());
        if (handoff.state() == HandoffState.IN_REVIEW) {
            // NOTE: when the first attempt stopped after the CRM note (in the ledger transition), the note is
            // written twice. A missing note would lose the decision in the CRM, which is worse.
            handoff = crmStatus.writeReviewDecision(handoff, approved);
            resume(handoff, approved);
            return;
        }
        continueAt(handoff, approved);
        LOG.info("Review {} approval finished; handoff {} is at {}", approved.id(), handoff.key(), handoff.state());
    }

    private ReviewItem decide(String reviewId, ReviewStatus decision, String reviewer, String reason) {
        if (reviewer == null || reviewer.isBlank()) {
            throw new IllegalArgumentException("The reviewer is missing. Name who makes the decision, because it is recorded");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("The reason is missing. Give it with --reason \"...\"");
        }
        ReviewItem item = show(reviewId);
        if (!item.isPending()) {
            throw new ReviewAlreadyDecidedException(item.id(), null);
        }
        ReviewItem decided = reviews.decide(item, decision, reviewer.trim(), reason.trim(), now());
        ledger.appendEvent(item.handoffKey(), "review", decision.name().toLowerCase(Locale.ROOT),
                item.id() + " by " + decided.decidedBy(), now());
        return decided;
    }

    private void resume(Handoff handoff, ReviewItem approved) {
        HandoffState next = handoff.resumeState() != null ? handoff.resumeState() : approved.resumeState();
        HandoffKey key = handoff.key();
        Handoff resumed = ledger.transition(handoff, next, HandoffChange.none()
                .clear(Attribute.BLOCKED_REASON).clear(Attribute.BLOCKED_FIELDS).clear(Attribute.RESUME_STATE), now());
        continueAt(resumed, approved);
        LOG.info("Review {} approved; handoff {} resumes at {}", approved.id(), key, next);
    }

    /**
     * Runs the step at the resumed handoff's state and records the resume: a message for the customer or invoice
     * step, or else the invoice status on the deal and a payment sync.
     */
    private void continueAt(Handoff resumed, ReviewItem approved) {
        HandoffState state = resumed.state();
        if (state == HandoffState.RECEIVED || state == HandoffState.CUSTOMER_READY) {
            sendResumeMessage(resumed.key(), state, approved);
        } else {
            crmStatus.writeInvoiceStatus(resumed);
            requestPaymentSync(resumed);
        }
        ledger.appendEvent(resumed.key(), "review", "resumed", "at " + state + " after " + approved.id(), now());
    }

    /**
     * Queues a payment event for a resumed handoff whose invoice can still be paid. The payment-status-sync
     * service ignores events while a handoff is held, so without this a payment made during the review would show
     * only after the next invoice event. That service re-reads the invoice and is idempotent, so a payment sync
     * with nothing new is harmless.
     */
    private void requestPaymentSync(Handoff resumed) {
        if (resumed.invoiceId() == null || !AWAITS_PAYMENT.contains(resumed.state())) {
            return;
        }
        queue.send(paymentEventsQueueUrl, new PaymentEventMessage(resumed.tenantId(), resumed.invoiceId(), ""),
                Map.of("invoiceId", resumed.invoiceId()));
        ledger.appendEvent(resumed.key(), "payment", "sync requested", "invoice " + resumed.invoiceId()
                + " after the review", now());
    }

    /** Sends the message that runs the step at {@code state}: the customer step at RECEIVED, else the invoice. */
    private void sendResumeMessage(HandoffKey key, HandoffState state, ReviewItem approved) {
        if (state == HandoffState.RECEIVED) {
            queue.send(dealWonQueueUrl, new DealWonMessage(key.value(), "review:" + approved.id(), now().toEpochMilli()),
                    Map.of("handoffKey", key.value()));
        } else {
            queue.send(invoiceQueueUrl, new InvoiceRequestMessage(key.value()), Map.of("handoffKey", key.value()));
        }
    }

    private Handoff handoff(HandoffKey key) {
        return ledger.find(key).orElseThrow(() -> new NotFoundException("Handoff " + key + " of a review was not found"));
    }

    private Instant now() {
        return Instant.now(clock);
    }
}
