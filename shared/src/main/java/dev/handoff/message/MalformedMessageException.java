package dev.handoff.message;

import dev.handoff.error.DataException;
import java.util.List;

/** A queue message that no retry can fix: it goes to the dead-letter queue with this reason in the ledger. */
public class MalformedMessageException extends DataException {

    public MalformedMessageException(String message, Throwable cause) {
        super(message, List.of(), cause);
    }
}
