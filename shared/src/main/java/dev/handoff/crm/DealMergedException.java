package dev.handoff.crm;

import dev.handoff.error.DataException;
import java.util.List;

/**
 * The deal was merged into another deal, so the CRM returns the surviving deal for the merged deal's id. The
 * handoff must not invoice the surviving deal's data under the merged deal's id.
 */
public final class DealMergedException extends DataException {

    private final String mergedDealId;
    private final String survivingDealId;

    public DealMergedException(String mergedDealId, String survivingDealId) {
        super("Deal " + mergedDealId + " was merged into deal " + survivingDealId, List.of("deal"));
        this.mergedDealId = mergedDealId;
        this.survivingDealId = survivingDealId;
    }

    public String mergedDealId() {
        return mergedDealId;
    }

    public String survivingDealId() {
        return survivingDealId;
    }
}
