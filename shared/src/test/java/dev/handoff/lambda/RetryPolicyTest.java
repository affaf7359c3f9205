package dev.handoff.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.config.HandoffConfig;
import dev.handoff.error.ConfigurationException;
import java.time.Duration;
import java.util.Map;
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
