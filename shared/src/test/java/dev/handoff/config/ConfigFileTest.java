package dev.handoff.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.domain.PriceBasis;
import dev.handoff.error.ConfigurationException;
import dev.handoff.message.Json;
import dev.handoff.review.ReviewPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ConfigFileTest {

    @Test
    void bundledDefaultFitsSouthAfricanVatVendor() {
        ConfigFile file = ConfigFile.bundledDefault();

        assertThat(file.reviewPolicy()).isEqualTo(ReviewPolicy.southAfricanDefaults());
        assertThat(file.wonStages().isWon("default", "closedwon")).isTrue();
        assertThat(file.invoiceStatus()).isEqualTo("AUTHORISED");
        assertThat(file.paymentTermsDays()).isEqualTo(30);
        assertThat(file.priceBasis()).isEqualTo(PriceBasis.EXCLUSIVE);
        assertThat(file.standardVatRate()).isEqualByComparingTo("15.00");
        assertThat(file.timeZone()).isEqualTo("Africa/Johannesburg");
        assertThat(file.onboardingRule()).isEqualTo("PAID");
    }

    @Test
    void outOfRangeValueNamesKeyAndFix() {
        String config = edited(root -> ((ObjectNode) root.path("review")).put("maxDiscountPercent", 150));

        assertThatThrownBy(() -> ConfigFile.parse(config, "test"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("key review.maxDiscountPercent is invalid")
                .hasMessageContaining("use a percentage from 0 to 100");
    }

    @Test
    void missingKeyIsNamed() {
        String config = edited(root -> ((ObjectNode) root.path("invoice")).remove("paymentTermsDays"));

        assertThatThrownBy(() -> ConfigFile.parse(config, "test"))
                .hasMessageContaining("key invoice.paymentTermsDays is missing")
                .hasMessageContaining("use whole days from 0 to 365");
    }

    @Test
    void unknownKeyIsNamed() {
        String config = edited(root -> ((ObjectNode) root.path("review")).put("maxDiscount", 10));

        assertThatThrownBy(() -> ConfigFile.parse(config, "test"))
                .hasMessageContaining("key review.maxDiscount is unknown");
    }

    @Test
    void unsupportedStatusMappingIsRejected() {
        String config = edited(root -> ((ObjectNode) root.path("statusMapping").path("accountingToCrm")).put("PAID", "INVOICED"));

        assertThatThrownBy(() -> ConfigFile.parse(config, "test"))
                .hasMessageContaining("key statusMapping.accountingToCrm is invalid")
                .hasMessageContaining("not supported yet");
    }

    @Test
    void wrongVersionIsRejected() {
        String config = edited(root -> ((ObjectNode) root).put("version", 2));

        assertThatThrownBy(() -> ConfigFile.parse(config, "test")).hasMessageContaining("key version is invalid");
    }

    @Test
    void malformedJsonNamesLine() {
        assertThatThrownBy(() -> ConfigFile.parse("{\n  \"version\": 1,\n  oops\n}", "file handoff-config.json"))
                .hasMessageContaining("file handoff-config.json is not valid JSON (line 3");
    }

    @Test
    void ssmParameterWinsOverInlineJson() {
        List<String> requested = new ArrayList<>();
        String custom = edited(root -> ((ObjectNode) root.path("invoice")).put("paymentTermsDays", 7));

        ConfigFile file = ConfigFile.load(Map.of("HANDOFF_CONFIG_SSM_PARAMETER", "/handoff/config", "HANDOFF_CONFIG", "{}"),
                name -> {
                    requested.add(name);
                    return custom;
                });

        assertThat(requested).containsExactly("/handoff/config");
        assertThat(file.paymentTermsDays()).isEqualTo(7);
        assertThat(file.source()).isEqualTo("SSM parameter /handoff/config");
    }

    @Test
    void environmentVariableOverridesFile() {
        String custom = edited(root -> ((ObjectNode) root.path("invoice")).put("paymentTermsDays", 7));
        HandoffConfig config = new HandoffConfig(Map.of("HANDOFF_CONFIG", custom, "PAYMENT_TERMS_DAYS", "14"));
        HandoffConfig fromFile = new HandoffConfig(Map.of("HANDOFF_CONFIG", custom, "PAYMENT_TERMS_DAYS", " "));

        assertThat(config.paymentTermsDays()).isEqualTo(14);
        assertThat(fromFile.paymentTermsDays()).isEqualTo(7);
    }

    @Test
    void reviewThresholdsComeFromFile() {
        String custom = edited(root -> ((ObjectNode) root.path("review")).put("creditLimit", new BigDecimal("25000.00")));

        ReviewPolicy policy = new HandoffConfig(Map.of("HANDOFF_CONFIG", custom)).reviewPolicy();

        assertThat(policy.creditLimit()).contains(new BigDecimal("25000.00"));
    }

    private static String edited(Consumer<com.fasterxml.jackson.databind.JsonNode> change) {
        try (InputStream in = ConfigFile.class.getClassLoader().getResourceAsStream(ConfigFile.DEFAULT_RESOURCE)) {
            var root = Json.MAPPER.readTree(in);
            change.accept(root);
            return Json.MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
