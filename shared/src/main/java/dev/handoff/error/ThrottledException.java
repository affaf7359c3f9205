package dev.handoff.error;

import java.time.Duration;
import java.util.Objects;

/**
 * A remote system or Handoff's own request budget asked for the work to wait. The work is delayed by
 * {@link #retryAfter()} and tried again. The wait does not count as a failed attempt, so throttling never
 * moves a message to a dead-letter queue.
 */
public class ThrottledException extends RetryableException {

    private final Duration delay;

    public ThrottledException(String message, Duration retryAfter, Throwable cause) {
        super(message, Objects.requireNonNull(retryAfter, "retryAfter"), cause);
        this.delay = retryAfter;
    }

    public ThrottledException(String message, Duration retryAfter) {
        this(message, retryAfter, null);
    }

    /** Returns how long to wait before trying again, never null. */
    public Duration delay() {
        return delay;
    }
}
