package dev.handoff.local.scenario;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The scenarios that {@code ./handoff demo --scenario NAME} runs. Add new ones to {@link #ALL}. */
public final class DemoScenarios {

    private static final List<DemoScenario> ALL = Stream.concat(ReviewScenarios.all().stream(),
            Stream.of(new AccountingOutageScenario())).toList();

    private DemoScenarios() {
    }

    public static List<DemoScenario> all() {
        return ALL;
    }

    public static Optional<DemoScenario> named(String name) {
        return ALL.stream().filter(scenario -> scenario.name().equals(name)).findFirst();
    }
}
