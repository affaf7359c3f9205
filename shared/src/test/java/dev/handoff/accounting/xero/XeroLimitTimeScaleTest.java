package dev.handoff.accounting.xero;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.config.HandoffConfig;
import dev.handoff.error.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class XeroLimitTimeScaleTest {

    @Test
    void unsetMeansRealTime() {
        assertThat(XeroLimitTimeScale.from(new HandoffConfig(Map.of()))).isEqualTo(1);
    }

    @Test
    void localStackScaleIsRead() {
        assertThat(XeroLimitTimeScale.from(new HandoffConfig(Map.of("XERO_LIMIT_TIME_SCALE", "60")))).isEqualTo(60);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "fast", "Infinity"})
    void invalidScaleNamesVariable(String value) {
        HandoffConfig config = new HandoffConfig(Map.of("XERO_LIMIT_TIME_SCALE", value));

        assertThatThrownBy(() -> XeroLimitTimeScale.from(config)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("XERO_LIMIT_TIME_SCALE").hasMessageContaining(value);
    }
}
