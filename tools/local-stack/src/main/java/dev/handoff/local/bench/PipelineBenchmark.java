package dev.handoff.local.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalSettings;
import dev.handoff.local.runtime.FunctionMetrics.Invocation;
import dev.handoff.local.runtime.LocalFunction;
import dev.handoff.simulator.SimulatedRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs handoffs one at a time through one local stack without rate limits. It measures the CRM and accounting
 * calls per handoff and each function's warm handler latency without the time the simulators spent on API calls.
 * It also counts the AWS requests and Lambda time per handoff.
 */
final class PipelineBenchmark {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    /** A path segment that is a record id: digits, or a UUID as Xero uses. */
    private static final Pattern ID_SEGMENT = Pattern.compile("/(\\d+|[0-9a-f]{8}-[0-9a-f-]{27})(?=/|$)");

    private final BenchSettings settings;
    private final PrintStream progress;

    PipelineBenchmark(BenchSettings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /**
     * CRM and accounting requests that the simulators served for one step.
     *
     * @param endpoints served requests by API, method and path with ids replaced by {@code {id}}, in first-call order
     */
    record CallCounts(long crm, long accounting, Map<String, Long> endpoints) {
    }

    /**
     * One function's warm handler latency in milliseconds, API time excluded.
     *
     * @param meanApiMillis mean time per invocation that the simulators spent on its API calls, which was excluded
     */
    record Latency(String function, int samples, double p50Millis, double p99Millis, double meanApiMillis) {
    }

    /**
     * One function's Lambda usage over the warm handoffs.
     *
     * @param billedMillis handler time rounded up to whole milliseconds per invocation, as Lambda bills it
     */
    record LambdaUsage(String function, long invocations, long billedMillis, int memoryMb) {

        double gigabyteSeconds() {
            return billedMillis / 1000.0 * memoryMb / 1024.0;
        }
    }

    /**
     * Everything measured.
     *
     * @param warmHandoffs handoffs run for latency and cost
     * @param warmCompleted of those, handoffs that reached ONBOARDING_SENT
     * @param awsRequests AWS requests during the warm handoffs by {@code Service.Operation}
     * @param capacityUnits DynamoDB capacity units that the engine reported during the warm handoffs, by operation
     */
    record Result(CallCounts newCustomer, CallCounts repeatCustomer, CallCounts payment, List<Latency> latency,
            int warmHandoffs, int warmCompleted, Map<String, Long> awsRequests, Map<String, Double> capacityUnits,
            List<LambdaUsage> lambda) {
    }

    Result run(LocalHandoff local, BenchDeals deals) throws IOException, InterruptedException {
        ApiCallLog calls = new ApiCallLog();
        local.hubspot().requestListener(calls);
        local.xero().requestListener(calls);
        List<Invocation> invocations = Collections.synchronizedList(new ArrayList<>());
        for (LocalFunction function : local.stack().functions().values()) {
            function.metrics().invocationListener(invocations::add);
        }
        try {
            progress.println("Calls per handoff: one new customer, its payment, then one repeat customer, after a warm-up handoff");
            // The warm-up pays the once-per-instance reads, such as Xero's tax rates, before anything is counted.
            String warmUpDeal = deals.seedNewCustomerDeal(0);
            win(local, deals, warmUpDeal);
            pay(local, warmUpDeal);
            String firstDeal = deals.seedNewCustomerDeal(2);
            CallCounts newCustomer = measure(calls, () -> win(local, deals, firstDeal));
            CallCounts payment = measure(calls, () -> pay(local, firstDeal));
            String repeatDeal = deals.seedRepeatCustomerDeal(3, 2);
            CallCounts repeatCustomer = measure(calls, () -> win(local, deals, repeatDeal));

            progress.printf("Warm latency and AWS requests: %d handoffs from won to paid, one at a time%n", settings.warmHandoffs());
            int callsMark = calls.mark();
            long warmStart = System.nanoTime();
            List<String> warmDeals = new ArrayList<>();
            AwsRequestCounter.Tally tally = AwsRequestCounter.start();
            try {
                for (int i = 0; i < settings.warmHandoffs(); i++) {
                    String dealId = deals.seedNewCustomerDeal(100 + i);
                    warmDeals.add(dealId);
                    win(local, deals, dealId);
                    pay(local, dealId);
                }
            } finally {
                AwsRequestCounter.stop();
            }
            // Read after counting stops, so that the benchmark's own ledger reads are not counted.
            int completed = (int) warmDeals.stream()
                    .filter(dealId -> state(local, dealId).filter(HandoffState.ONBOARDING_SENT::equals).isPresent())
                    .count();
            List<Invocation> warm = invocations.stream().filter(invocation -> invocation.startNanos() >= warmStart).toList();
            List<SimulatedRequest> warmCalls = calls.since(callsMark);
            return new Result(newCustomer, repeatCustomer, payment, latency(warm, warmCalls), settings.warmHandoffs(),
                    completed, tally.requests(), tally.capacityUnits(), lambdaUsage(local, warm));
        } finally {
            local.hubspot().requestListener(null);
            local.xero().requestListener(null);
            for (LocalFunction function : local.stack().functions().values()) {
                function.metrics().invocationListener(null);
            }
        }
    }

    private interface Step {
        void run() throws IOException, InterruptedException;
    }

    private static CallCounts measure(ApiCallLog calls, Step step) throws IOException, InterruptedException {
        int mark = calls.mark();
        step.run();
        Map<String, Long> endpoints = new LinkedHashMap<>();
        calls.since(mark).stream().filter(request -> request.status() != 429).forEach(request -> endpoints.merge(
                request.api() + " " + request.method() + " " + ID_SEGMENT.matcher(request.path()).replaceAll("/{id}"), 1L, Long::sum));
        return new CallCounts(calls.countServed(mark, "hubspot"), calls.countServed(mark, "xero"), endpoints);
    }

    private void win(LocalHandoff local, BenchDeals deals, String dealId) throws IOException, InterruptedException {
        int status = deals.sendWon(local.hubSpotWebhookUrl(), dealId);
        if (status != 200) {
            progress.println("  deal " + dealId + ": the webhook got HTTP " + status);
        }
        local.awaitQuiescence(STEP_TIMEOUT);
    }

    /** Pays the deal's invoice in full in the Xero simulator, which sends the signed INVOICE webhook. */
    private void pay(LocalHandoff local, String dealId) {
        Optional<ObjectNode> invoice = local.xero().invoices(LocalSettings.TENANT_ID).stream()
                .filter(node -> ("HS-" + dealId).equals(node.path("Reference").asText()))
                .findFirst();
        if (invoice.isEmpty()) {
            progress.println("  deal " + dealId + ": no invoice to pay; the handoff is " + state(local, dealId).orElse(null));
            return;
        }
        local.xero().recordPayment(LocalSettings.TENANT_ID, invoice.get().path("InvoiceID").asText(),
                invoice.get().path("AmountDue").decimalValue());
        local.awaitQuiescence(STEP_TIMEOUT);
    }

    private static Optional<HandoffState> state(LocalHandoff local, String dealId) {
        return local.ledger().find(HandoffKey.hubspot(LocalSettings.PORTAL_ID, dealId)).map(Handoff::state);
    }

    /**
     * Computes each function's latency percentiles with API time taken out. Each API request counts against the
     * running invocation that started last, the one most likely to have made it.
     * NOTE: when two invocations overlap, a request can be charged to the wrong one. The handoffs run one at a
     * time, so only the tail of one step can overlap the start of the next.
     */
    static List<Latency> latency(List<Invocation> invocations, List<SimulatedRequest> requests) {
        Map<Invocation, Long> apiNanos = new LinkedHashMap<>();
        invocations.forEach(invocation -> apiNanos.put(invocation, 0L));
        for (SimulatedRequest request : requests) {
            Invocation owner = null;
            for (Invocation invocation : invocations) {
                boolean covers = invocation.startNanos() <= request.startNanos() && request.startNanos() <= invocation.endNanos();
                if (covers && (owner == null || invocation.startNanos() > owner.startNanos())) {
                    owner = invocation;
                }
            }
            if (owner != null) {
                apiNanos.merge(owner, request.durationNanos(), Long::sum);
            }
        }

        Map<String, List<Double>> handlerMillis = new LinkedHashMap<>();
        Map<String, List<Double>> apiMillis = new LinkedHashMap<>();
        apiNanos.forEach((invocation, api) -> {
            long own = Math.max(0, invocation.endNanos() - invocation.startNanos() - api);
            handlerMillis.computeIfAbsent(invocation.function(), name -> new ArrayList<>()).add(own / 1e6);
            apiMillis.computeIfAbsent(invocation.function(), name -> new ArrayList<>()).add(api / 1e6);
        });

        List<Latency> latency = new ArrayList<>();
        handlerMillis.forEach((function, millis) -> latency.add(new Latency(function, millis.size(),
                Percentiles.of(millis, 0.50), Percentiles.of(millis, 0.99),
                apiMillis.get(function).stream().mapToDouble(Double::doubleValue).average().orElse(0))));
        return latency;
    }

    private static List<LambdaUsage> lambdaUsage(LocalHandoff local, List<Invocation> invocations) {
        List<LambdaUsage> usage = new ArrayList<>();
        for (LocalFunction function : local.stack().functions().values()) {
            List<Invocation> own = invocations.stream().filter(invocation -> invocation.function().equals(function.name())).toList();
            long billedMillis = own.stream()
                    .mapToLong(invocation -> (invocation.endNanos() - invocation.startNanos() + 999_999) / 1_000_000)
                    .sum();
            usage.add(new LambdaUsage(function.name(), own.size(), billedMillis, function.definition().memorySizeMb()));
        }
        return usage;
    }
}
