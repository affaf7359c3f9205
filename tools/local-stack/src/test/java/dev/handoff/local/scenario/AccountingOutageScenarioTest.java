package dev.handoff.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.local.engines.RepositoryRoot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ./handoff demo --scenario accounting-outage --json}, run in process. */
class AccountingOutageScenarioTest {

    private static final Pattern STEP = Pattern.compile("^(\\d+)\\. ");

    private static int exitCode;
    private static JsonNode outcome;
    private static String resultText;
    private static String logText;

    @BeforeAll
    static void runScenario() throws Exception {
        ByteArrayOutputStream results = new ByteArrayOutputStream();
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        exitCode = DemoScenarios.named("accounting-outage").orElseThrow()
                .run(RepositoryRoot.find(), new PrintStream(results, true, StandardCharsets.UTF_8), log, true);
        resultText = results.toString(StandardCharsets.UTF_8);
        logText = logBytes.toString(StandardCharsets.UTF_8);
        outcome = new ObjectMapper().readTree(resultText);
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

    @Test
    void jsonResultIsOneLine() {
        assertThat(resultText.strip().lines()).hasSize(1);
    }

    @Test
    void stepsAreNumberedInOrder() {
        List<Integer> steps = logText.lines()
                .map(line -> STEP.matcher(line))
                .filter(Matcher::find)
                .map(matcher -> Integer.parseInt(matcher.group(1)))
                .toList();

        assertThat(steps).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }
}
