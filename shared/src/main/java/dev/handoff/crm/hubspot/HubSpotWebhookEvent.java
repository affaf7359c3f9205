package dev.handoff.crm.hubspot;

import java.util.Objects;

/**
 * One event of a HubSpot webhook delivery, for example a {@code deal.propertyChange} of {@code dealstage}.
 * {@code occurredAt} is in epoch milliseconds. {@code subscriptionId}, {@code appId}, {@code attemptNumber} and
 * the property and source fields are null when the event does not carry them.
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
        String sourceId) {

    public HubSpotWebhookEvent {
        Objects.requireNonNull(subscriptionType, "subscriptionType");
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
                + ", attemptNumber=" + attemptNumber + "]";
    }
}
