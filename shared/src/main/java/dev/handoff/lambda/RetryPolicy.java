package dev.handoff.lambda;

import dev.handoff.config.HandoffConfig;
import dev.handoff.error.ConfigurationException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;

/**
 * Retry settings of a consumer. For a retryable failure it sends the message again with a delay that doubles per attempt
 * (base, 2 x base, 4 x base, ...), capped at the SQS maximum of 900 seconds. After {@code maxAttempts} attempts
 * it stops re-sending, and the queue's redrive policy moves the message to the dead-letter queue after
 * {@code maxReceiveCount} more receives. While a scope is parked, its messages are re-sent every
 * {@code parkedDelay} without counting an attempt.
 *
 * <p>Retry and throttle delays get jitter (see {@link #withJitter}): messages that failed together, for example
 * every invoice of a month-end batch that met a spent Xero minute, would otherwise all come back in the same
 * second and meet the limit again together.
 *
 * @see <a href="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html">SendMessage DelaySeconds</a>
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration parkedDelay) {

    /** The longest DelaySeconds SQS accepts. */
    public static final Duration MAX_SQS_DELAY = Duration.ofSeconds(900);

    /** The jitter added to a delay is at most this fraction of it: 1/5, so 37 s becomes 37 to 44 s. */
    private static final long JITTER_DIVISOR = 5;

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts " + maxAttempts + " is invalid; expected at least 1");
        }
        if (baseDelay.isNegative() || parkedDelay.isNegative()) {
            throw new IllegalArgumentException("Retry delays must not be negative: " + baseDelay + ", " + parkedDelay);
        }
    }

    /**
     * Reads {@code RETRY_MAX_ATTEMPTS} (default 4), {@code RETRY_BASE_DELAY_SECONDS} (default 30) and
     * {@code PARKED_RETRY_DELAY_SECONDS} (default 900).
     */
    public static RetryPolicy from(HandoffConfig config) {
        return new RetryPolicy(
                number(config, "RETRY_MAX_ATTEMPTS", 4),
                Duration.ofSeconds(number(config, "RETRY_BASE_DELAY_SECONDS", 30)),
                Duration.ofSeconds(number(config, "PARKED_RETRY_DELAY_SECONDS", 900)));
    }

    /** Returns the delay before attempt {@code failedAttempt + 1}, never more than 900 seconds. */
    public Duration delayAfter(int failedAttempt) {
        int doublings = Math.min(Math.max(failedAttempt - 1, 0), 20);
        return cap(baseDelay.multipliedBy(1L << doublings));
    }

    /** Returns whether a message that failed at {@code attempt} may be sent again. */
    public boolean mayRetry(int attempt) {
        return attempt < maxAttempts;
    }

    /**
     * Returns {@code delay} rounded up to whole seconds, plus a random 0 to one fifth of it (at least 0 to 1 s),
     * capped at 900 seconds. A zero delay stays zero, because the caller requested no wait.
     */
    public static Duration withJitter(Duration delay) {
        return withJitter(delay, bound -> ThreadLocalRandom.current().nextInt(bound));
    }

    /**
     * As {@link #withJitter(Duration)}, with {@code randomBelow} giving a number from 0 to below its argument.
     */
    static Duration withJitter(Duration delay, IntUnaryOperator randomBelow) {
        if (delay.isZero() || delay.isNegative()) {
            return Duration.ZERO;
        }
        long seconds = delay.plusMillis(999).toSeconds();
        long spread = Math.max(1, seconds / JITTER_DIVISOR);
        long extra = randomBelow.applyAsInt((int) Math.min(spread + 1, Integer.MAX_VALUE));
        return cap(Duration.ofSeconds(seconds + extra));
    }

    public static Duration cap(Duration delay) {
        return delay.compareTo(MAX_SQS_DELAY) > 0 ? MAX_SQS_DELAY : delay;
    }

    private static int number(HandoffConfig config, String name, int fallback) {
        String value = config.optional(name).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted values.
        }
        throw new ConfigurationException(name + " '" + value + "' is invalid; set a whole number of 0 or more");
    }
}
