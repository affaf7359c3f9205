package dev.handoff.local.scenario;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A story that {@code ./handoff demo --scenario NAME} runs on a local stack it starts and stops itself, for
 * example a deal held for review or an accounting outage.
 */
public interface DemoScenario {

    /** The name given to {@code --scenario}, in lower case with hyphens. */
    String name();

    /** One line saying what the scenario shows. */
    String summary();

    /**
     * Runs the scenario.
     *
     * @param root the repository root
     * @param results where the outcome goes (a JSON line when {@code json} is set)
     * @param log where progress goes, for people
     * @return the process exit code: 0 when the scenario ended as it should
     */
    int run(Path root, PrintStream results, PrintStream log, boolean json) throws Exception;
}
