package dev.handoff.local;

import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.local.reviews.ReviewsCommand;
import dev.handoff.local.ops.LocalOps;
import dev.handoff.local.ops.LocalStackState;
import dev.handoff.local.ops.OpsCommand;
import dev.handoff.local.scenario.DemoScenario;
import dev.handoff.local.scenario.DemoScenarios;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** Entry point of {@code ./handoff demo}, {@code ./handoff serve} and {@code ./handoff send-webhook}. */
public final class HandoffCli {

    /** How soon a failed message is retried locally; in AWS the queue's visibility timeout decides. */
    private static final Duration LOCAL_RETRY_DELAY = Duration.ofSeconds(1);

    private HandoffCli() {
    }

    /**
     * Runs a command. Functions write their CloudWatch metric lines to standard output, as Lambda expects, so
     * the CLI points {@code System.out} at standard error and keeps the real standard output for its results.
     */
    public static void main(String[] args) throws Exception {
        PrintStream results = System.out;
        System.setOut(System.err);
        List<String> arguments = new ArrayList<>(List.of(args));
        String command = arguments.isEmpty() ? "help" : arguments.remove(0);
        int exitCode = switch (command) {
            case "demo" -> demo(arguments, results);
            case "serve" -> serve(arguments, results, System.err);
            case "send-webhook" -> sendWebhook(arguments, RepositoryRoot.find(), results, System.err);
            case "setup" -> SetupCommand.run(arguments, System.getenv(), results, System.err);
            case "bench" -> dev.handoff.local.bench.BenchCommand.run(arguments, results, System.err);
            case "connect" -> XeroConnectCommand.main(arguments, results);
            case "reviews" -> reviews(arguments, results);
            case "ops" -> new OpsCommand(results, System.err).run(arguments);
            default -> usage(System.err);
        };
        System.exit(exitCode);
    }

    private static int demo(List<String> arguments, PrintStream results) throws Exception {
        boolean json = arguments.remove("--json");
        String scenarioName = null;
        int scenarioAt = arguments.indexOf("--scenario");
        if (scenarioAt >= 0) {
            if (scenarioAt + 1 >= arguments.size()) {
                System.err.println("handoff demo: --scenario needs a name; one of " + scenarioNames());
                return 2;
            }
            scenarioName = arguments.remove(scenarioAt + 1);
            arguments.remove(scenarioAt);
        }
        if (!arguments.isEmpty()) {
            System.err.println("handoff demo: unknown option " + arguments.get(0) + "; use --json and --scenario NAME");
            return 2;
        }
        Path root = RepositoryRoot.find();
        Optional<DemoScenario> scenario = Optional.ofNullable(scenarioName).flatMap(DemoScenarios::named);
        if (scenarioName != null && scenario.isEmpty()) {
            System.err.println("handoff demo: no scenario '" + scenarioName + "'; use one of " + scenarioNames());
            return 2;
        }
        try (MetricLinesLog metricLines = MetricLinesLog.open(root)) {
            System.err.println("Function metric lines (CloudWatch EMF) go to " + MetricLinesLog.RELATIVE_PATH);
            return scenario.isPresent() ? scenario.get().run(root, results, System.err, json) : demoStory(root, results, json);
        }
    }

    private static int demoStory(Path root, PrintStream results, boolean json) throws Exception {
        try (LocalHandoff local = LocalHandoff.start(0, LOCAL_RETRY_DELAY, "PAID")) {
            DemoStory story = new DemoStory(local, root, System.err);
            DemoStory.Summary summary = story.run();
            if (json) {
                results.println(summary.toJson());
            } else {
                story.printTimelines(results);
                results.println(summary.toJson());
                results.println(summary.completed() ? "The story completed." : "The story did NOT complete; see the timeline above.");
            }
            List<String> violations = LocalOps.of(local, LocalOps.LOCAL_ACTOR).check();
            System.err.println(violations.isEmpty() ? "ops check passed" : "ops check found violations: " + violations);
            return summary.completed() && violations.isEmpty() ? 0 : 1;
        }
    }

    private static int reviews(List<String> arguments, PrintStream results) throws Exception {
        try {
            return new ReviewsCommand(System.getenv(), results, System.err).run(arguments);
        } catch (IllegalArgumentException e) {
            System.err.println("handoff reviews: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            System.err.println("handoff reviews: the ops API could not be reached (" + cause
                    + "); start ./handoff serve, or pass a deployed stack's OpsApiUrl with --api");
            return 1;
        }
    }

    private static List<String> scenarioNames() {
        return DemoScenarios.all().stream().map(DemoScenario::name).toList();
    }

    /** Runs the local stack until the JVM stops; returns 1 at once when the API port is in use. */
    static int serve(List<String> arguments, PrintStream out, PrintStream err) throws InterruptedException, IOException {
        int port = LocalSettings.DEFAULT_API_PORT;
        if (arguments.size() == 2 && arguments.get(0).equals("--port")) {
            port = parsePort(arguments.get(1));
        } else if (!arguments.isEmpty()) {
            err.println("handoff serve: unknown option " + arguments.get(0) + "; use --port N");
            return 2;
        }
        if (port < 0) {
            return 2;
        }
        Optional<LocalHandoff> started = start(port, err);
        if (started.isEmpty()) {
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (LocalHandoff local = started.get()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "handoff-serve-stop"));
            // ./handoff ops, reviews and send-webhook in another terminal read the endpoints from this file. Ctrl-C
            // ends the JVM before this method returns, so a shutdown hook deletes the file.
            Path root = RepositoryRoot.find();
            LocalStackState.of(local).write(root);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LocalStackState.delete(root), "handoff-serve-state"));
            out.println("Handoff local stack is up (Ctrl-C stops it).");
            out.println("  HubSpot webhooks: POST " + local.hubSpotWebhookUrl());
            out.println("  Xero webhooks:    POST " + local.xeroWebhookUrl());
            out.println("  Review ops API:   " + local.apiBaseUrl() + "/ops/reviews (no IAM check locally; ./handoff reviews list)");
            out.println("  HubSpot simulator: " + local.hubspot().baseUrl() + " (bearer " + LocalSettings.HUBSPOT_ACCESS_TOKEN + ")");
            out.println("  Xero simulator:    " + local.xero().baseUrl() + " (bearer " + LocalSettings.XERO_ACCESS_TOKEN
                    + ", xero-tenant-id " + LocalSettings.TENANT_ID + ")");
            out.println("  Test-only HubSpot client secret: " + LocalSettings.HUBSPOT_CLIENT_SECRET);
            out.println("  Test-only Xero webhook key:      " + LocalSettings.XERO_WEBHOOK_KEY);
            out.println("Send the sample deal-won webhook, signed now:  ./handoff send-webhook --url " + local.hubSpotWebhookUrl());
            out.println("List invoices: curl -s -H 'Authorization: Bearer " + LocalSettings.XERO_ACCESS_TOKEN + "' -H 'xero-tenant-id: "
                    + LocalSettings.TENANT_ID + "' " + local.xero().baseUrl() + "/Invoices");
            out.flush();
            stopped.await();
        }
        return 0;
    }

    /**
     * Starts the local stack on {@code port}, or returns empty after reporting that the port is in use. A failed
     * start has already stopped what it started (dynalite, ElasticMQ, the simulators).
     */
    private static Optional<LocalHandoff> start(int port, PrintStream err) {
        try {
            return Optional.of(LocalHandoff.start(port, LOCAL_RETRY_DELAY, "PAID"));
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof BindException)) {
                throw e;
            }
            err.println("handoff serve: port " + port + " on 127.0.0.1 is in use, so the API could not start; stop the"
                    + " program that uses it, or pass --port N with a free port");
            return Optional.empty();
        }
    }

    /**
     * Signs the sample HubSpot event with the current time and the test-only secret, and posts it to {@code --url},
     * else to the running {@code ./handoff serve} that {@code root}'s local-stack.json names, else to port 3000.
     */
    static int sendWebhook(List<String> arguments, Path root, PrintStream results, PrintStream err)
            throws IOException, InterruptedException {
        Optional<URI> option = Optional.empty();
        if (arguments.size() == 2 && arguments.get(0).equals("--url")) {
            option = Optional.of(URI.create(arguments.get(1)));
        } else if (!arguments.isEmpty()) {
            err.println("handoff send-webhook: unknown option " + arguments.get(0) + "; use --url URL");
            return 2;
        }
        URI url;
        if (option.isPresent()) {
            url = option.get();
        } else {
            try {
                url = LocalStackState.runningApiUrl(root).resolve(LocalSettings.HUBSPOT_WEBHOOK_PATH);
            } catch (IOException e) {
                err.println("handoff send-webhook: " + e.getMessage());
                return 1;
            }
        }
        if (!"127.0.0.1".equals(url.getHost()) && !"localhost".equals(url.getHost())) {
            err.println("handoff send-webhook: " + url + " is not on this machine; it only sends to 127.0.0.1");
            return 2;
        }
        byte[] body = DemoStory.sampleHubSpotBody(root);
        HttpResponse<String> response;
        try {
            response = new WebhookSender(LocalSettings.HUBSPOT_CLIENT_SECRET, Clock.systemUTC()).send(url, url.toString(), body);
        } catch (ConnectException e) {
            err.println("handoff send-webhook: nothing answers at " + url + "; start ./handoff serve, or pass --url with"
                    + " the webhook URL that ./handoff serve printed");
            return 1;
        }
        results.println(response.statusCode() + " " + response.body());
        return response.statusCode() == 200 ? 0 : 1;
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        System.err.println("handoff serve: --port '" + value + "' is invalid; use a number from 1 to 65535");
        return -1;
    }

    private static int usage(PrintStream out) {
        out.println("usage: ./handoff demo [--json] [--scenario NAME] | serve [--port N] | send-webhook [--url URL]"
                + " | ops COMMAND | reviews list|show|approve|reject | setup hubspot | bench [--quick] | test");
        out.println(XeroConnectCommand.USAGE);
        return 2;
    }
}
