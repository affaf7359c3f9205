package dev.handoff.local.bench;

import dev.handoff.local.LocalHandoff;
import dev.handoff.local.engines.RepositoryRoot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./handoff bench [--quick] [--deals N] [--warm N] [--cold-rounds N] [--time-scale X] [--output FILE]}:
 * measures throughput under Xero's limits, calls per handoff, cold starts, warm latency and AWS cost per handoff
 * on the local stack, prints the Markdown tables and writes them to a file.
 */
public final class BenchCommand {

    static final String QUICK_OUTPUT = "tools/local-stack/target/benchmarks-quick.md";
    static final String FULL_OUTPUT = "docs/benchmarks.md";

    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    /** Time scale of Handoff's own Xero budget in the one-at-a-time runs: a Xero minute lasts 60 ms. */
    static final double PIPELINE_BUDGET_TIME_SCALE = 1000;
    /** HubSpot requests per 10 s that Handoff allows itself in the one-at-a-time runs. */
    static final int PIPELINE_HUBSPOT_BUDGET = 1000;
    /** Options that take a value; {@code --quick} is the only one without. */
    private static final Set<String> VALUE_OPTIONS = Set.of("--deals", "--warm", "--cold-rounds", "--time-scale", "--output");

    private BenchCommand() {
    }

    /** Runs the benchmark; returns the process exit code, 2 for invalid options. */
    public static int run(List<String> arguments, PrintStream results, PrintStream progress) throws Exception {
        Path root = RepositoryRoot.find();
        BenchSettings settings;
        try {
            settings = parse(arguments, root);
        } catch (IllegalArgumentException e) {
            progress.println("handoff bench: " + e.getMessage());
            progress.println("usage: ./handoff bench [--quick] [--deals N] [--warm N] [--cold-rounds N] [--time-scale X] [--output FILE]");
            return 2;
        }

        long started = System.nanoTime();
        PipelineBenchmark.Result pipeline;
        List<ColdStartBenchmark.FunctionColdStart> coldStarts;
        // The pipeline's simulators have no limits, but Handoff's own budgets do. Thirty handoffs one after another
        // make more calls than a scaled Xero minute or 80 HubSpot requests per 10 s allow. So the Xero budget runs
        // on the fastest clock the setting accepts, and the HubSpot budget is its highest accepted value. Neither
        // delays these handoffs, as the calls, latency and cost per handoff assume.
        Map<String, String> environment = Map.of(
                "XERO_LIMIT_TIME_SCALE", Double.toString(PIPELINE_BUDGET_TIME_SCALE),
                "HUBSPOT_REQUEST_BUDGET", Integer.toString(PIPELINE_HUBSPOT_BUDGET));
        try (LocalHandoff local = LocalHandoff.start(0, RETRY_DELAY, "PAID", environment)) {
            BenchDeals deals = new BenchDeals(local.hubspot());
            pipeline = new PipelineBenchmark(settings, progress).run(local, deals);
            coldStarts = new ColdStartBenchmark(settings, root, progress).run(local, deals);
        }
        BurstBenchmark.Result burst = new BurstBenchmark(settings, progress).run();

        BenchReport report = new BenchReport(settings);
        String markdown = report.render(burst, pipeline, coldStarts, System.nanoTime() - started);
        report.write(markdown);
        results.print(markdown);
        progress.println("Wrote " + settings.output());
        return 0;
    }

    /**
     * Reads the options; {@code --quick} picks the quick sizes and the others override single sizes.
     *
     * @throws IllegalArgumentException naming the invalid option
     */
    static BenchSettings parse(List<String> arguments, Path root) {
        List<String> rest = new ArrayList<>(arguments);
        boolean quick = rest.remove("--quick");
        String command = String.join(" ", prepend("./handoff bench", arguments));
        BenchSettings defaults = quick
                ? BenchSettings.quick(root.resolve(QUICK_OUTPUT), command)
                : BenchSettings.full(root.resolve(FULL_OUTPUT), command);
        int burstDeals = defaults.burstDeals();
        double timeScale = defaults.timeScale();
        int warmHandoffs = defaults.warmHandoffs();
        int coldStartRounds = defaults.coldStartRounds();
        Path output = defaults.output();
        for (int i = 0; i < rest.size(); i += 2) {
            String option = rest.get(i);
            if (!VALUE_OPTIONS.contains(option)) {
                throw new IllegalArgumentException("unknown option " + option);
            }
            if (i + 1 >= rest.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = rest.get(i + 1);
            switch (option) {
                case "--deals" -> burstDeals = positive(option, value);
                case "--warm" -> warmHandoffs = positive(option, value);
                case "--cold-rounds" -> coldStartRounds = positive(option, value);
                case "--time-scale" -> timeScale = timeScale(value);
                case "--output" -> output = root.resolve(value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new BenchSettings(quick, burstDeals, timeScale, warmHandoffs, coldStartRounds, output, command);
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new IllegalArgumentException(option + " '" + value + "' is invalid; use a whole number from 1");
    }

    private static double timeScale(String value) {
        try {
            double scale = Double.parseDouble(value);
            if (scale >= 1 && scale <= 1000) {
                return scale;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "--time-scale '%s' is invalid; use a number from 1 (Xero's real limits) to 1000", value));
    }
}
