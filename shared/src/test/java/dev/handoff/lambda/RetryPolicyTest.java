package dev.handoff.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.config.HandoffConfig;
import dev.handoff.error.ConfigurationException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void delayDoublesPerAttempt() {
        RetryPolicy policy = new RetryPolicy(4, Duration.ofSeconds(30), Duration.ofSeconds(900));

        assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void delayIsCappedAtSqsMaximum() {
        RetryPolicy policy = new RetryPolicy(20, Duration.ofSeconds(30), Duration.ofSeconds(900));

        assertThat(policy.delayAfter(10)).isEqualTo(Duration.ofSeconds(900));
        assertThat(policy.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void jitterKeepsRetryAfterAsMinimum() {
        // Xero returned 429 Too Many Requests with Retry-After: 37 and X-Rate-Limit-Problem: minute.
        Duration retryAfter = Duration.ofSeconds(37);

        assertThat(RetryPolicy.withJitter(retryAfter, bound -> 0)).isEqualTo(Duration.ofSeconds(37));
        assertThat(RetryPolicy.withJitter(retryAfter, bound -> bound - 1)).isEqualTo(Duration.ofSeconds(44));
    }

    @Test
    void jitterSpreadsMessagesThatFailedTogether() {
        Random seeded = new Random(20_260_131L);
        Set<Duration> delays = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            delays.add(RetryPolicy.withJitter(Duration.ofSeconds(37), seeded::nextInt));
        }

        assertThat(delays).hasSizeGreaterThan(1)
                .allSatisfy(delay -> assertThat(delay).isBetween(Duration.ofSeconds(37), Duration.ofSeconds(44)));
    }

    @Test
    void jitterSpreadsShortDelaysByOneSecond() {
        assertThat(RetryPolicy.withJitter(Duration.ofMillis(300), bound -> bound - 1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryPolicy.withJitter(Duration.ofMillis(300), bound -> 0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterKeepsZeroAndSqsMaximum() {
        assertThat(RetryPolicy.withJitter(Duration.ZERO, bound -> bound - 1)).isZero();
        assertThat(RetryPolicy.withJitter(Duration.ofSeconds(900), bound -> bound - 1)).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void lastAttemptMayNotRetry() {
        RetryPolicy policy = new RetryPolicy(4, Duration.ofSeconds(30), Duration.ofSeconds(900));

        assertThat(policy.mayRetry(3)).isTrue();
        assertThat(policy.mayRetry(4)).isFalse();
    }

    @Test
    void defaultsApplyWithoutVariables() {
        RetryPolicy policy = RetryPolicy.from(new HandoffConfig(Map.of()));

        assertThat(policy.maxAttempts()).isEqualTo(4);
        assertThat(policy.baseDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.parkedDelay()).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void invalidVariableNamesItself() {
        HandoffConfig config = new HandoffConfig(Map.of("RETRY_BASE_DELAY_SECONDS", "soon"));

        assertThatThrownBy(() -> RetryPolicy.from(config)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("RETRY_BASE_DELAY_SECONDS").hasMessageContaining("soon");
    }
}
