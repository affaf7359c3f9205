package dev.handoff.message;

import java.util.Objects;

/**
 * A change to a deal that Handoff may already have invoiced, carried on the deal-won queue so the consumer can
 * decide whether finance must review it. {@code name} is the changed property or association type (for example
 * {@code amount} or {@code DEAL_TO_LINE_ITEM}) and {@code value} its new value, the new stage id, or the surviving
 * deal id of a merge. Both are null when the change type carries none. Values are ids and amounts, never personal data.
 */
public record DealChange(Type type, String name, String value) {

    /** Kind of change to the deal. */
    public enum Type {
        /** A finance-relevant property changed, including {@code dealstage}. */
        PROPERTY_CHANGE,
        /** The deal was deleted. */
        DELETION,
        /** A company or line item was associated with or removed from the deal. */
        ASSOCIATION_CHANGE,
        /** The deal was merged into another deal; {@code value} is the surviving deal id. */
        MERGE
    }

    public DealChange {
        if (type == null) {
            throw new MalformedMessageException("Message field change.type is missing", null);
        }
    }

    @Override
    public String toString() {
        return "DealChange[" + type + " " + Objects.requireNonNullElse(name, "") + "]";
    }
}
