package dev.handoff.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.local.engines.RepositoryRoot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ./handoff demo --scenario accounting-outage --json}, run in process. */
class AccountingOutageScenarioTest {

    private static int exitCode;
    private static JsonNode outcome;

    @BeforeAll
    static void runScenario() throws Exception {
        ByteArrayOutputStream results = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        exitCode = DemoScenarios.named("accounting-outage").orElseThrow()
                .run(RepositoryRoot.find(), new PrintStream(results, true, StandardCharsets.UTF_8), log, true);
        outcome = new ObjectMapper().readTree(results.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scenarioExitsZero() {
        assertThat(exitCode).isZero();
    }

    @Test
    void messageReachesDlqThenRedrives() {
        assertThat(outcome.path("deadLettered").asInt()).isEqualTo(1);
        assertThat(outcome.path("redriven").asInt()).isEqualTo(1);
        assertThat(outcome.path("dlqMessages").asInt()).isZero();
    }

    @Test
    void handoffCompletesOnce() {
        assertThat(outcome.path("invoicesCreated").asInt()).isEqualTo(1);
        assertThat(outcome.path("onboardingTriggers").asInt()).isEqualTo(1);
        assertThat(outcome.path("finalState").asText()).isEqualTo("ONBOARDING_SENT");
    }

    @Test
    void opsCheckPassesAfterScenario() {
        assertThat(outcome.path("checkViolations").asInt()).isZero();
    }
}
