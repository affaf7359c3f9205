package dev.handoff.error;

/** Base of Handoff's unchecked exceptions; each subclass states its {@link FailureClass}. */
public abstract class HandoffException extends RuntimeException {

    protected HandoffException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract FailureClass failureClass();
}
