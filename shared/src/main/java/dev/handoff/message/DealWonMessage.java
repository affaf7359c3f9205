package dev.handoff.message;

/**
 * Deal-won queue message: one per deal per webhook delivery. {@code eventKey} is the HubSpot
 * {@code portalId:eventId} of the event that triggered it. {@code change} is null when the deal moved into a
 * won stage, and otherwise describes a later change to a deal that already has a handoff.
 */
public record DealWonMessage(String handoffKey, String eventKey, long occurredAt, DealChange change)
        implements HandoffMessage {

    public DealWonMessage {
        requireText(handoffKey, "handoffKey");
        requireText(eventKey, "eventKey");
    }

    /** Creates the message for a deal that moved into a won stage. */
    public DealWonMessage(String handoffKey, String eventKey, long occurredAt) {
        this(handoffKey, eventKey, occurredAt, null);
    }

    /** Returns whether this message reports a change to a handed-off deal rather than a won deal. */
    public boolean hasChange() {
        return change != null;
    }

    static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new MalformedMessageException("Message field " + field + " is missing", null);
        }
    }
}
