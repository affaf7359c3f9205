package dev.handoff.local.scenario;

import java.util.List;
import java.util.Optional;

/** The scenarios {@code ./handoff demo --scenario NAME} knows. Add new ones to {@link #ALL}. */
public final class DemoScenarios {

    private static final List<DemoScenario> ALL = List.of(new AccountingOutageScenario());

    private DemoScenarios() {
    }

    public static List<DemoScenario> all() {
        return ALL;
    }

    public static Optional<DemoScenario> named(String name) {
        return ALL.stream().filter(scenario -> scenario.name().equals(name)).findFirst();
    }
}
