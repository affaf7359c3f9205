package dev.handoff.service;

import dev.handoff.crm.DealMergedException;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.review.ReviewType;
import java.util.List;
import java.util.Map;

/**
 * Holds a handoff whose deal was merged into another deal before it was invoiced. The merged deal is never
 * invoiced under its old id: the surviving deal has its own handoff once it is won.
 */
final class MergedDealHold {

    private MergedDealHold() {
    }

    /**
     * Puts the handoff on hold for a CUSTOMER_MERGE review that names the surviving deal.
     *
     * <p>NOTE: approving the review resumes the step, which reads the merged deal again and puts it on hold again.
     * Rejecting the review is what closes this handoff.
     */
    static Handoff hold(HandoffBlocker blocker, Handoff handoff, HandoffState resumeState, DealMergedException merge) {
        return blocker.holdForReview(handoff, resumeState, ReviewType.CUSTOMER_MERGE, List.of("deal"),
                "The deal was merged into deal " + merge.survivingDealId() + " before it was invoiced. Handoff does "
                        + "not invoice a merged deal; the surviving deal is handed off when it is won. Reject this "
                        + "review to close this handoff.",
                Map.of("mergedDealId", merge.mergedDealId(), "survivingDealId", merge.survivingDealId()), "");
    }
}
