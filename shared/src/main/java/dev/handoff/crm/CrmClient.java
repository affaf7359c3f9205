package dev.handoff.crm;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/**
 * Port to the CRM. Implementations speak the vendor's HTTP API and throw the exceptions in
 * {@code dev.handoff.error}, classified as retryable, data, or configuration and auth failures.
 */
public interface CrmClient {

    /** Reads the deal with its associated companies, contacts and line items. */
    CrmDeal readDeal(String dealId);

    /** Writes the given deal properties; properties not in the map are left untouched. */
    void updateDeal(String dealId, Map<String, String> properties);

    /** Adds a note, visible to sales on the deal record, in plain words. */
    void addDealNote(String dealId, String text);

    /**
     * Returns the catalogue unit price of each product that has one, keyed by product id, for the pricing review
     * rule. The default returns none, for CRMs without a product catalogue: lines are then checked for their
     * discount only.
     */
    default Map<String, BigDecimal> cataloguePrices(Collection<String> productIds) {
        return Map.of();
    }
}
