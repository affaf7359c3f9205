package dev.handoff.local.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./handoff ops} usage errors that must be reported before any stack is reached. No local stack runs for
 * these tests and the injected environment has no AWS region, so a command that tried to connect would not exit 2.
 */
class OpsCommandArgumentsTest {

    @Test
    void deployedStackWithoutRegionIsUsageError() {
        OpsRun.Output output = run(Map.of(), "timeline", "48000000001", "--stack", "foo", "--table", "bar", "--portal", "9999999");

        assertThat(output.exitCode()).isEqualTo(2);
        assertThat(output.text()).contains("no AWS region is set for stack foo");
        assertThat(output.text()).contains("--region REGION").contains("AWS_REGION");
    }

    @Test
    void blankRegionVariableCountsAsMissing() {
        OpsRun.Output output = run(Map.of("AWS_REGION", " "), "check", "--stack", "foo", "--table", "bar");

        assertThat(output.exitCode()).isEqualTo(2);
        assertThat(output.text()).contains("no AWS region is set");
    }

    @Test
    void unknownOptionExitsTwoWithoutStack() {
        OpsRun.Output output = run(Map.of(), "check", "--bogus");

        assertThat(output.exitCode()).isEqualTo(2);
        assertThat(output.text()).contains("unknown option --bogus; use: check");
        assertThat(output.text()).doesNotContain("No running local stack");
    }

    @Test
    void leftoverArgumentsExitTwoWithoutStack() {
        assertThat(run(Map.of(), "actions", "extra").text()).contains("unexpected argument extra; use: actions");
        assertThat(run(Map.of(), "actions", "extra").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), "dlq", "list", "extra").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), "exceptions", "list", "--bogus").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), "timeline", "48000000001", "extra").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), "unpark", "tenant:x", "extra").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), "restart").exitCode()).isEqualTo(2);
    }

    @Test
    void deployedStackUsageCheckedBeforeRegion() {
        OpsRun.Output output = run(Map.of(), "check", "--bogus", "--stack", "foo", "--table", "bar");

        assertThat(output.exitCode()).isEqualTo(2);
        assertThat(output.text()).contains("unknown option --bogus");
    }

    private static OpsRun.Output run(Map<String, String> environment, String... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = new OpsCommand(environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(arguments));
        return new OpsRun.Output(exitCode, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }
}
