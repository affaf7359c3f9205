package dev.handoff.local.ops;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs {@code ./handoff ops} commands in-process against given operations, with their output captured. */
final class OpsRun {

    /** Exit code and the text written to standard output followed by standard error. */
    record Output(int exitCode, String text) {
    }

    private OpsRun() {
    }

    static Output run(Operations operations, String... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = new OpsCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(arguments), operations);
        return new Output(exitCode, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }
}
