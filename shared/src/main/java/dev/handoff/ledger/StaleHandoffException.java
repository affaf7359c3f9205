package dev.handoff.ledger;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.error.RetryableException;

/**
 * A conditional write lost: the handoff is no longer in the expected state and version, because another
 * worker moved it first. The caller re-reads the handoff and decides again, so this is retryable.
 */
public class StaleHandoffException extends RetryableException {

    private final HandoffKey key;

    public StaleHandoffException(HandoffKey key, HandoffState expectedState, long expectedVersion, Throwable cause) {
        super("Handoff " + key + " is no longer in state " + expectedState + " at version " + expectedVersion, cause);
        this.key = key;
    }

    public HandoffKey key() {
        return key;
    }
}
