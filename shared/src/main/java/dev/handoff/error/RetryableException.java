package dev.handoff.error;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that may succeed if retried: a timeout, a connection failure, a 5xx or a 429.
 * {@code retryAfter} is the delay the remote system asked for, when it asked.
 */
public class RetryableException extends HandoffException {

    private final Duration retryAfter;

    public RetryableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public RetryableException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public FailureClass failureClass() {
        return FailureClass.RETRYABLE;
    }
}
