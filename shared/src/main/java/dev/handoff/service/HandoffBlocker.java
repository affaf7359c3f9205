package dev.handoff.service;

import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
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
    private final CrmStatusWriter crmStatus;
    private final Clock clock;

    public HandoffBlocker(Ledger ledger, CrmStatusWriter crmStatus, Clock clock) {
        this.ledger = ledger;
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
     * Holds the handoff for a person's decision of the given type. {@code facts} are what the reviewer needs to
     * decide (figures, ids, names); they are kept in the ledger only, never logged. {@code reason} follows the
     * rules of {@link #block(Handoff, HandoffState, List, String)}.
     *
     * <p>Until review items exist in the ledger this blocks the handoff with the review type in the reason.
     */
    public Handoff holdForReview(Handoff handoff, HandoffState resumeState, ReviewType type, List<String> fields,
            String reason, Map<String, String> facts, String crmDetail) {
        return block(handoff, resumeState, fields, "Review needed (" + type + "): " + reason, crmDetail);
    }
}
