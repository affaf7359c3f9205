package dev.handoff.crm.hubspot;

import java.util.List;
import java.util.Objects;

/**
 * One event of a HubSpot webhook delivery, for example a {@code deal.propertyChange} of {@code dealstage}.
 * {@code occurredAt} is in epoch milliseconds. {@code subscriptionId}, {@code appId}, {@code attemptNumber} and
 * the property and source fields are null when the event does not carry them.
 *
 * <p>Association-change events ({@code deal.associationChange}) carry no {@code objectId}: it is set to their
 * {@code fromObjectId}, and {@code associationType} (for example {@code DEAL_TO_LINE_ITEM}), {@code toObjectId}
 * and {@code associationRemoved} describe the change. Merge events ({@code deal.merge}, {@code company.merge},
 * {@code contact.merge}) carry {@code primaryObjectId}, {@code mergedObjectIds} and, when the merge created a
 * record with a new id, {@code newObjectId}. Fields an event does not carry are null, and
 * {@code mergedObjectIds} is then empty.
 * {@link #toString()} leaves out {@code propertyValue} and {@code sourceId}, which can hold an e-mail address.
 */
public record HubSpotWebhookEvent(
        long eventId,
        Long subscriptionId,
        long portalId,
        Long appId,
        long occurredAt,
        String subscriptionType,
        Long attemptNumber,
        long objectId,
        String propertyName,
        String propertyValue,
        String changeSource,
        String sourceId,
        String associationType,
        Long toObjectId,
        Boolean associationRemoved,
        Long primaryObjectId,
        List<Long> mergedObjectIds,
        Long newObjectId) {

    public HubSpotWebhookEvent {
        Objects.requireNonNull(subscriptionType, "subscriptionType");
        mergedObjectIds = mergedObjectIds == null ? List.of() : List.copyOf(mergedObjectIds);
    }

    /** Returns the id of the record that survives a merge event: {@code newObjectId} if set, else {@code primaryObjectId}. */
    public Long survivingObjectId() {
        return newObjectId != null ? newObjectId : primaryObjectId;
    }

    /**
     * Returns {@code portalId:eventId}. HubSpot re-sends an event with the same id when a delivery times out or
     * fails, so this key identifies a delivery across retries.
     */
    public String deliveryKey() {
        return portalId + ":" + eventId;
    }

    @Override
    public String toString() {
        return "HubSpotWebhookEvent[eventId=" + eventId + ", portalId=" + portalId + ", subscriptionType="
                + subscriptionType + ", objectId=" + objectId + ", propertyName=" + propertyName
                + ", associationType=" + associationType + ", attemptNumber=" + attemptNumber + "]";
    }
}
