package dev.handoff.message;

/**
 * Deal-won queue message: one per deal per webhook delivery. {@code eventKey} is the HubSpot
 * {@code portalId:eventId} of the event that triggered it.
 */
public record DealWonMessage(String handoffKey, String eventKey, long occurredAt) implements HandoffMessage {

    public DealWonMessage {
        requireText(handoffKey, "handoffKey");
        requireText(eventKey, "eventKey");
    }

    static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new MalformedMessageException("Message field " + field + " is missing", null);
        }
    }
}
