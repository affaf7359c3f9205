package dev.handoff.error;

import java.util.List;

/**
 * The record cannot proceed until a person fixes it. {@code fields} names the offending fields and the
 * message states what to do. A message that quotes a remote system's validation text can echo customer data,
 * so the services put such a message on the CRM deal only, never in the ledger or the logs, which carry the
 * class and the fields.
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
