package dev.handoff.service;

import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmDeal;
import dev.handoff.domain.HandoffState;
import dev.handoff.error.DataException;
import dev.handoff.ledger.Handoff;
import dev.handoff.review.ReviewType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds a handoff for a COMMERCIAL_DISPUTE review when its invoice was voided in accounting while the CRM deal
 * is still in a won stage: the CRM still shows the sale and accounting cancelled it, so a person decides.
 * Approving accepts the void (the handoff resumes at VOIDED); rejecting closes the handoff. A deal that is no
 * longer won, or no longer readable, agrees with the void and is not held.
 */
public final class DisputeCheck {

    private final CrmClient crm;
    private final WonStages wonStages;
    private final HandoffBlocker blocker;

    public DisputeCheck(CrmClient crm, WonStages wonStages, HandoffBlocker blocker) {
        this.crm = crm;
        this.wonStages = wonStages;
        this.blocker = blocker;
    }

    /**
     * Holds the handoff when its invoice is voided and the deal is still won.
     *
     * @return true when the handoff is now IN_REVIEW
     */
    public boolean holdsVoidedInvoice(Handoff handoff, AccountingInvoice invoice) {
        CrmDeal deal;
        try {
            deal = crm.readDeal(handoff.key().dealId());
        } catch (DataException e) {
            return false;
        }
        if (!wonStages.isWon(deal.pipeline(), deal.stage())) {
            return false;
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("dealId", deal.id());
        facts.put("dealStage", deal.pipeline() + ":" + deal.stage());
        facts.put("invoiceId", invoice.invoiceId());
        if (invoice.invoiceNumber() != null) {
            facts.put("invoiceNumber", invoice.invoiceNumber());
        }
        if (invoice.total() != null) {
            facts.put("invoiceTotal", invoice.currencyCode() + " " + invoice.total().toPlainString());
        }
        blocker.holdForReview(handoff, HandoffState.VOIDED, ReviewType.COMMERCIAL_DISPUTE, List.of("invoice.status"),
                "invoice " + invoice.invoiceId() + " was voided in accounting while the deal is still won", facts, "");
        return true;
    }
}
