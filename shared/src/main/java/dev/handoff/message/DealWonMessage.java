package dev.handoff.message;

import dev.handoff.domain.HandoffKey;
import java.util.regex.Pattern;

/**
 * Deal-won queue message: one per deal per webhook delivery. {@code eventKey} is the HubSpot
 * {@code portalId:eventId} of the event that triggered it. {@code change} is null when the deal moved into a
 * won stage, and otherwise describes a later change to a deal that already has a handoff.
 */
public record DealWonMessage(String handoffKey, String eventKey, long occurredAt, DealChange change)
        implements HandoffMessage {

    private static final Pattern POSITIVE_DECIMAL = Pattern.compile("[1-9][0-9]{0,18}");

    public DealWonMessage {
        requireHandoffKey(handoffKey);
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

    /**
     * Checks that the handoff key parses and, for HubSpot, names a positive decimal portal id and deal id. A key
     * that fails can never be handed off, so it is a malformed message and not a failure worth retrying.
     */
    static void requireHandoffKey(String value) {
        requireText(value, "handoffKey");
        HandoffKey key;
        try {
            key = HandoffKey.parse(value);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("Message field handoffKey '" + value + "' is invalid; expected crm:account:deal", e);
        }
        if ("hubspot".equals(key.crm()) && !(isPositiveDecimal(key.accountId()) && isPositiveDecimal(key.dealId()))) {
            throw new MalformedMessageException("Message field handoffKey '" + value
                    + "' is invalid; a HubSpot portal id and deal id are positive decimal numbers", null);
        }
    }

    private static boolean isPositiveDecimal(String id) {
        return POSITIVE_DECIMAL.matcher(id).matches();
    }

    static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new MalformedMessageException("Message field " + field + " is missing", null);
        }
    }
}
