package dev.handoff.error;

/** A record the handoff refers to does not exist in the remote system (for example a deleted deal). */
public class NotFoundException extends DataException {

    public NotFoundException(String message) {
        super(message, java.util.List.of());
    }
}
