package dev.handoff.error;

import java.util.List;

/**
 * The record cannot proceed until a person fixes it. {@code fields} names the offending fields and the
 * message says what to do; neither contains the field values, which may be personal data.
 */
public class DataException extends HandoffException {

    private final List<String> fields;

    public DataException(String message, List<String> fields) {
        this(message, fields, null);
    }

    public DataException(String message, List<String> fields, Throwable cause) {
        super(message, cause);
        this.fields = List.copyOf(fields);
    }

    public List<String> fields() {
        return fields;
    }

    @Override
    public FailureClass failureClass() {
        return FailureClass.DATA;
    }
}
