package dev.handoff.service;

import dev.handoff.crm.hubspot.HubSpotProperties;
import dev.handoff.crm.hubspot.HubSpotWebhookEvent;
import dev.handoff.message.DealChange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Sorts HubSpot webhook events that may affect a deal Handoff already invoiced. Subscription types follow
 * https://developers.hubspot.com/docs/api/webhooks and the merge and association-change types announced at
 * https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks .
 */
final class HubSpotDealEvents {

    /** Deal properties whose change after invoicing can make the invoice wrong. */
    static final Set<String> FINANCE_PROPERTIES = Set.of(
            HubSpotProperties.DEAL_STAGE,
            HubSpotProperties.DEAL_PIPELINE,
            HubSpotProperties.DEAL_AMOUNT,
            HubSpotProperties.DEAL_CLOSE_DATE,
            HubSpotProperties.DEAL_CURRENCY);

    /** Association types whose change alters the customer or the lines of an invoiced deal. */
    static final Set<String> FINANCE_ASSOCIATIONS = Set.of("DEAL_TO_LINE_ITEM", "DEAL_TO_COMPANY");

    private HubSpotDealEvents() {
    }

    /** One deal whose handoff an event may affect, with the change to report for it. */
    record AffectedDeal(String dealId, DealChange change) {

        /** Returns the key under which the ledger records this event for this deal. */
        String deliveryKey(HubSpotWebhookEvent event) {
            // A merge affects several deals, so each gets its own delivery record.
            return change.type() == DealChange.Type.MERGE ? event.deliveryKey() + ":" + dealId : event.deliveryKey();
        }
    }

    static boolean isDealChange(HubSpotWebhookEvent event) {
        return switch (event.subscriptionType()) {
            case "deal.propertyChange" -> FINANCE_PROPERTIES.contains(event.propertyName());
            case "deal.deletion" -> true;
            case "deal.associationChange" -> FINANCE_ASSOCIATIONS.contains(event.associationType());
            case "deal.merge" -> event.survivingObjectId() != null;
            default -> false;
        };
    }

    static boolean isCompanyMerge(HubSpotWebhookEvent event) {
        return "company.merge".equals(event.subscriptionType()) && event.survivingObjectId() != null;
    }

    /**
     * Returns the deals a change event is about. A merge is about every deal merged away. When the merge created
     * a deal with a new id, the primary deal counts as merged away too, because only the new deal survives.
     */
    static List<AffectedDeal> affectedDeals(HubSpotWebhookEvent event) {
        String dealId = Long.toString(event.objectId());
        return switch (event.subscriptionType()) {
            case "deal.propertyChange" -> List.of(new AffectedDeal(dealId,
                    new DealChange(DealChange.Type.PROPERTY_CHANGE, event.propertyName(), event.propertyValue())));
            case "deal.deletion" -> List.of(new AffectedDeal(dealId, new DealChange(DealChange.Type.DELETION, null, null)));
            case "deal.associationChange" -> List.of(new AffectedDeal(dealId, new DealChange(
                    DealChange.Type.ASSOCIATION_CHANGE, event.associationType(),
                    Boolean.TRUE.equals(event.associationRemoved()) ? "removed" : "added")));
            case "deal.merge" -> mergedDeals(event);
            default -> List.of();
        };
    }

    private static List<AffectedDeal> mergedDeals(HubSpotWebhookEvent event) {
        Long survivor = event.survivingObjectId();
        Set<Long> merged = new LinkedHashSet<>(event.mergedObjectIds());
        if (event.primaryObjectId() != null) {
            merged.add(event.primaryObjectId());
        }
        merged.remove(survivor);

        List<AffectedDeal> deals = new ArrayList<>();
        for (Long id : merged) {
            deals.add(new AffectedDeal(Long.toString(id),
                    new DealChange(DealChange.Type.MERGE, null, Long.toString(survivor))));
        }
        return List.copyOf(deals);
    }
}
