package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.crm.CrmProperties;
import dev.handoff.crm.hubspot.HubSpotPropertySetup;
import dev.handoff.simulator.hubspot.HubSpotSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ./handoff setup hubspot} against the HubSpot simulator: it creates what is missing, and only that. */
class SetupCommandTest {

    private HubSpotSimulator hubspot;
    private final ByteArrayOutputStream results = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    @BeforeEach
    void startSimulator() {
        hubspot = HubSpotSimulator.start(0, LocalSettings.HUBSPOT_ACCESS_TOKEN);
    }

    @AfterEach
    void stopSimulator() {
        hubspot.close();
    }

    @Test
    void setupCreatesGroupAndDealProperties() {
        int exitCode = run(List.of("hubspot"), environment());

        assertThat(exitCode).isZero();
        assertThat(hubspot.dealPropertyGroups()).containsOnlyKeys(HubSpotPropertySetup.GROUP_NAME);
        assertThat(hubspot.dealPropertyDefinitions()).containsOnlyKeys(CrmProperties.INVOICE_ID,
                CrmProperties.INVOICE_NUMBER, CrmProperties.INVOICE_STATUS, CrmProperties.AMOUNT_DUE,
                CrmProperties.AMOUNT_PAID, CrmProperties.AMOUNT_CREDITED, CrmProperties.HANDOFF_STATUS,
                CrmProperties.BLOCKED_REASON, CrmProperties.LAST_SYNCED_AT);
        assertThat(hubspot.dealPropertyDefinitions().get(CrmProperties.AMOUNT_DUE).path("type").asText())
                .isEqualTo("number");
        assertThat(hubspot.dealPropertyDefinitions().get(CrmProperties.HANDOFF_STATUS).path("groupName").asText())
                .isEqualTo(HubSpotPropertySetup.GROUP_NAME);
        assertThat(output(results)).contains("10 created, 0 already there.");
    }

    @Test
    void setupListsWonAndUnknownStages() {
        Map<String, String> environment = new HashMap<>(environment());
        environment.put("HUBSPOT_WON_STAGES", "default:closedwon,default:won_renamed");

        int exitCode = run(List.of("hubspot"), environment);

        assertThat(exitCode).isZero();
        assertThat(output(results)).contains("(closed, probability 1): default:closedwon");
        assertThat(output(results)).contains("HUBSPOT_WON_STAGES names default:won_renamed, which is not a stage");
        assertThat(output(results)).doesNotContain("names default:closedwon");
    }

    @Test
    void setupRunTwiceCreatesNothingMore() {
        run(List.of("hubspot"), environment());
        results.reset();

        int exitCode = run(List.of("hubspot"), environment());

        assertThat(exitCode).isZero();
        assertThat(hubspot.dealPropertyDefinitions()).hasSize(9);
        assertThat(output(results)).contains("0 created, 10 already there.");
        assertThat(output(results)).contains("property handoff_status: exists");
    }

    @Test
    void setupWithBaseUrlOptionUsesIt() {
        Map<String, String> environment = Map.of(
                "HUBSPOT_PORTAL_ID", LocalSettings.PORTAL_ID,
                "HUBSPOT_ACCESS_TOKEN", LocalSettings.HUBSPOT_ACCESS_TOKEN);

        int exitCode = run(List.of("hubspot", "--base-url", hubspot.baseUrl().toString()), environment);

        assertThat(exitCode).isZero();
        assertThat(hubspot.dealPropertyDefinitions()).hasSize(9);
    }

    @Test
    void wrongTokenFailsWithExitOne() {
        Map<String, String> environment = Map.of(
                "HUBSPOT_PORTAL_ID", LocalSettings.PORTAL_ID,
                "HUBSPOT_ACCESS_TOKEN", "test-only-wrong-token",
                "HUBSPOT_API_BASE_URL", hubspot.baseUrl().toString());

        int exitCode = run(List.of("hubspot"), environment);

        assertThat(exitCode).isEqualTo(1);
        assertThat(output(errors)).contains("HTTP 401").doesNotContain("test-only-wrong-token");
    }

    @Test
    void setupWithoutTokenIsUsageError() {
        int exitCode = run(List.of("hubspot"), Map.of("HUBSPOT_PORTAL_ID", LocalSettings.PORTAL_ID));

        assertThat(exitCode).isEqualTo(2);
        assertThat(output(errors)).contains("HUBSPOT_ACCESS_TOKEN");
    }

    @Test
    void setupOfOtherSystemIsUsageError() {
        int exitCode = run(List.of("xero"), environment());

        assertThat(exitCode).isEqualTo(2);
        assertThat(output(errors)).contains("usage: handoff setup hubspot");
    }

    private int run(List<String> arguments, Map<String, String> environment) {
        return SetupCommand.run(arguments, environment, new PrintStream(results, true, StandardCharsets.UTF_8),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    private Map<String, String> environment() {
        return Map.of(
                "HUBSPOT_PORTAL_ID", LocalSettings.PORTAL_ID,
                "HUBSPOT_ACCESS_TOKEN", LocalSettings.HUBSPOT_ACCESS_TOKEN,
                "HUBSPOT_API_BASE_URL", hubspot.baseUrl().toString());
    }

    private static String output(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
