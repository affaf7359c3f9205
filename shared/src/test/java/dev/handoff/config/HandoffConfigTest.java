package dev.handoff.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.error.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandoffConfigTest {

    @Test
    void missingRequiredVariableIsNamed() {
        HandoffConfig config = new HandoffConfig(Map.of());

        assertThatThrownBy(config::ledgerTable)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("LEDGER_TABLE");
    }

    @Test
    void defaultsFitSouthAfricanVatVendor() {
        HandoffConfig config = new HandoffConfig(Map.of());

        assertThat(config.organisationTimeZone().getId()).isEqualTo("Africa/Johannesburg");
        assertThat(config.paymentTermsDays()).isEqualTo(30);
        assertThat(config.standardVatRate()).isEqualByComparingTo("15.00");
        assertThat(config.wonStages().isWon("default", "closedwon")).isTrue();
        assertThat(config.onboardingRule().isFullyPaidRule()).isTrue();
    }

    @Test
    void wonStagesArePerPipeline() {
        WonStages stages = WonStages.parse("default:closedwon, 8812345:101234567");

        assertThat(stages.isWon("8812345", "101234567")).isTrue();
        assertThat(stages.isWon("default", "101234567")).isFalse();
        assertThat(stages.isWonStageInAnyPipeline("101234567")).isTrue();
        assertThat(stages.isWonStageInAnyPipeline("appointmentscheduled")).isFalse();
    }

    @Test
    void malformedWonStageIsRejectedWithExample() {
        assertThatThrownBy(() -> WonStages.parse("closedwon"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("pipelineId:stageId");
    }

    @Test
    void onboardingRuleAcceptsPercent() {
        assertThat(OnboardingRule.parse("PERCENT_PAID:40").minimumPaidFraction()).isEqualByComparingTo("0.40");
        assertThatThrownBy(() -> OnboardingRule.parse("PERCENT_PAID:0")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> OnboardingRule.parse("SOMETIMES")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void xeroLimitTimeScaleDefaultsToOne() {
        assertThat(new HandoffConfig(Map.of()).xeroLimitTimeScale()).isEqualTo(1.0);
        assertThat(new HandoffConfig(Map.of("XERO_LIMIT_TIME_SCALE", "10")).xeroLimitTimeScale()).isEqualTo(10.0);
    }

    @Test
    void invalidXeroLimitTimeScaleIsNamed() {
        for (String value : new String[] {"0.5", "ten", "1001"}) {
            HandoffConfig config = new HandoffConfig(Map.of("XERO_LIMIT_TIME_SCALE", value));

            assertThatThrownBy(config::xeroLimitTimeScale)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("XERO_LIMIT_TIME_SCALE '" + value + "'");
        }
    }

    @Test
    void invalidTimeZoneIsNamed() {
        HandoffConfig config = new HandoffConfig(Map.of("ORG_TIME_ZONE", "SAST"));

        assertThatThrownBy(config::organisationTimeZone)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ORG_TIME_ZONE");
    }
}
