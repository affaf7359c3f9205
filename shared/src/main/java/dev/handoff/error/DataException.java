package dev.handoff.error;

import java.util.List;

/**
 * The record cannot proceed until a person fixes it. {@code fields} names the offending fields and the
 * message states what to do. The message may quote a remote system's validation text, which can echo
 * customer data, so it is stored in the ledger for finance staff and never logged; logs carry the class and
 * the fields only.
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
