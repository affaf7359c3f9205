package dev.handoff.service;

import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.review.ReviewItem;
import dev.handoff.review.ReviewStore;
import dev.handoff.review.ReviewType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a handoff into BLOCKED with the fields and the fix a person must make, remembers the step to resume
 * from, and shows sales the problem on the CRM deal. The message that found the problem is then acknowledged: retrying
 * cannot fix data.
 */
public final class HandoffBlocker {

    private static final Logger LOG = LoggerFactory.getLogger(HandoffBlocker.class);

    private final Ledger ledger;
    private final ReviewStore reviews;
    private final CrmStatusWriter crmStatus;
    private final Clock clock;

    /** Keeps review items in the ledger's own table. */
    public HandoffBlocker(Ledger ledger, CrmStatusWriter crmStatus, Clock clock) {
        this(ledger, new ReviewStore(ledger.dynamoDb(), ledger.tableName()), crmStatus, clock);
    }

    public HandoffBlocker(Ledger ledger, ReviewStore reviews, CrmStatusWriter crmStatus, Clock clock) {
        this.ledger = ledger;
        this.reviews = reviews;
        this.crmStatus = crmStatus;
        this.clock = clock;
    }

    /**
     * Blocks the handoff; {@code reason} must name fields and fixes, never field values.
     *
     * @param resumeState the state to resume from once fixed
     */
    public Handoff block(Handoff handoff, HandoffState resumeState, List<String> fields, String reason) {
        return block(handoff, resumeState, fields, reason, "");
    }

    /**
     * Blocks the handoff like {@link #block(Handoff, HandoffState, List, String)}, and adds {@code crmDetail}
     * (for example a remote system's validation message) to the CRM deal only, never to the ledger or logs.
     */
    public Handoff block(Handoff handoff, HandoffState resumeState, List<String> fields, String reason, String crmDetail) {
        Handoff blocked = handoff;
        if (handoff.state() != HandoffState.BLOCKED || !reason.equals(handoff.blockedReason())) {
            HandoffChange change = HandoffChange.none()
                    .set(Attribute.BLOCKED_REASON, reason)
                    .set(Attribute.BLOCKED_FIELDS, List.copyOf(fields))
                    .set(Attribute.RESUME_STATE, resumeState);
            blocked = handoff.state() == HandoffState.BLOCKED
                    ? ledger.update(handoff, change, Instant.now(clock))
                    : ledger.transition(handoff, HandoffState.BLOCKED, change, Instant.now(clock));
            ledger.appendEvent(handoff.key(), "blocked", String.join(",", fields), reason, Instant.now(clock));
            LOG.warn("Handoff {} blocked at {}; fields {}", handoff.key(), resumeState, fields);
        }
        return crmStatus.writeBlocked(blocked, crmDetail);
    }

    /**
     * Holds the handoff for a person's decision of the given type: moves it to IN_REVIEW (or keeps it there when
     * another review is already pending), stores a pending review item, and shows sales on the deal that finance
     * is reviewing it. {@code facts} are what the reviewer needs to decide (figures, ids, names); they are kept
     * in the review item only, never logged. {@code reason} follows the rules of
     * {@link #block(Handoff, HandoffState, List, String)} and may carry amounts. Approving the item resumes the
     * handoff at {@code resumeState}; see {@code ReviewDecisionService}.
     *
     * @return the held handoff, or the handoff unchanged when the same review is already pending
     */
    public Handoff holdForReview(Handoff handoff, HandoffState resumeState, ReviewType type, List<String> fields,
            String reason, Map<String, String> facts, String crmDetail) {
        String heldReason = "Review needed (" + type + "): " + reason;
        if (handoff.state() == HandoffState.IN_REVIEW && heldReason.equals(handoff.blockedReason())) {
            return handoff;
        }

        Instant now = Instant.now(clock);
        HandoffChange change = HandoffChange.none()
                .set(Attribute.BLOCKED_REASON, heldReason)
                .set(Attribute.BLOCKED_FIELDS, List.copyOf(fields))
                .set(Attribute.RESUME_STATE, handoff.state() == HandoffState.IN_REVIEW ? handoff.resumeState() : resumeState);
        Handoff held = handoff.state() == HandoffState.IN_REVIEW
                ? ledger.update(handoff, change, now)
                : ledger.transition(handoff, HandoffState.IN_REVIEW, change, now);
        ReviewItem review = reviews.create(ReviewItem.pending(handoff.key(), handoff.version(), type, reason, fields, facts,
                resumeState, now));
        ledger.appendEvent(handoff.key(), "review", "pending", review.id() + " " + type, now);
        LOG.warn("Handoff {} held for review {} of type {} at {}", handoff.key(), review.id(), type, resumeState);
        return crmStatus.writeInReview(held, review, crmDetail);
    }
}
