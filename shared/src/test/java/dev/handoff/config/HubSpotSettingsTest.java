package dev.handoff.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.error.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubSpotSettingsTest {

    @Test
    void defaultsApplyWhenUnset() {
        HubSpotSettings settings = settings(Map.of());

        assertThat(settings.requestBudget()).isEqualTo(HubSpotSettings.DEFAULT_REQUEST_BUDGET);
        assertThat(settings.acceptLegacySignatures()).isTrue();
    }

    @Test
    void setValuesAreRead() {
        HubSpotSettings settings = settings(Map.of("HUBSPOT_REQUEST_BUDGET", "150",
                "HUBSPOT_ACCEPT_LEGACY_SIGNATURES", "FALSE"));

        assertThat(settings.requestBudget()).isEqualTo(150);
        assertThat(settings.acceptLegacySignatures()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "eighty", "80.5"})
    void invalidBudgetNamesVariable(String value) {
        HubSpotSettings settings = settings(Map.of("HUBSPOT_REQUEST_BUDGET", value));

        assertThatThrownBy(settings::requestBudget)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("HUBSPOT_REQUEST_BUDGET '" + value + "' is invalid");
    }

    @Test
    void invalidLegacyFlagNamesVariable() {
        HubSpotSettings settings = settings(Map.of("HUBSPOT_ACCEPT_LEGACY_SIGNATURES", "yes"));

        assertThatThrownBy(settings::acceptLegacySignatures)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("use true or false");
    }

    private static HubSpotSettings settings(Map<String, String> environment) {
        return new HubSpotSettings(new HandoffConfig(environment));
    }
}
