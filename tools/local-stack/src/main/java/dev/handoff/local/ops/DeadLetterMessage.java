package dev.handoff.local.ops;

import dev.handoff.ledger.MessageFailure;
import java.util.Optional;

/**
 * A message in a dead-letter queue with the reason the ledger holds for it, if any.
 *
 * @param handoffKey the handoff the body names, or null when the body names none or cannot be read
 */
public record DeadLetterMessage(String queue, String messageId, String handoffKey, Optional<MessageFailure> failure) {
}
