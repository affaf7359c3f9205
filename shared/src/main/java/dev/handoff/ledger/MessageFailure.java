package dev.handoff.ledger;

import dev.handoff.error.FailureClass;
import java.time.Instant;

/**
 * The reason an SQS message could not be handled, stored under its message id so that an operator who finds the message
 * in a dead-letter queue can read the reason. SQS keeps the message id when it moves a message to the
 * dead-letter queue. {@code handoffKey} is null when the message names no handoff (for example a body that is not
 * JSON). {@code reason} contains ids, exception classes and fields only.
 */
public record MessageFailure(String messageId, String queue, FailureClass failureClass, String reason,
        String handoffKey, int attempt, Instant at) {
}
