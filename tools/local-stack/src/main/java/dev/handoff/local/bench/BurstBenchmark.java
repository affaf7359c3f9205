package dev.handoff.local.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.config.HubSpotSettings;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalSettings;
import dev.handoff.local.engines.FreePorts;
import dev.handoff.local.runtime.LocalLambdaStack;
import dev.handoff.simulator.SimulatedRequest;
import dev.handoff.simulator.hubspot.HubSpotSimulator;
import dev.handoff.simulator.xero.XeroRateLimiter;
import dev.handoff.simulator.xero.XeroSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * A burst of won deals across two Xero tenants, against a Xero simulator that enforces Xero's per-tenant limits
 * with a time scale. Each tenant has its own local stack, as each deployment serves one tenant, and both share
 * one HubSpot simulator. The benchmark reports what happened and asserts nothing.
 */
final class BurstBenchmark {

    /** The second tenant's made-up id; the first is the local stack's usual one. */
    static final String SECOND_TENANT_ID = "0c6f0a3e-0000-4000-8000-0000000000bb";

    /** States in which the handoff's invoice exists. */
    private static final Set<HandoffState> INVOICE_RAISED = EnumSet.of(HandoffState.INVOICED, HandoffState.PARTIALLY_PAID,
            HandoffState.PAID, HandoffState.ONBOARDING_PENDING, HandoffState.ONBOARDING_SENT, HandoffState.VOIDED);

    private static final int SENDER_THREADS = 8;
    /**
     * Pollers per queue in each burst stack. Lambda's SQS event source mapping starts by reading up to five
     * batches of a standard queue at once, each in its own execution environment.
     */
    static final int POLLERS_PER_QUEUE = 5;
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration MIN_WAIT = Duration.ofMinutes(2);

    private final BenchSettings settings;
    private final PrintStream progress;

    BurstBenchmark(BenchSettings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /**
     * One tenant's figures.
     *
     * @param sent deals sent to the tenant's stack
     * @param accepted webhooks that got HTTP 200
     * @param states handoffs in the ledger by state
     * @param invoices invoices in the tenant's Xero organisation
     * @param duplicateInvoices invoices beyond the first with the same Reference
     * @param dlqMessages messages in the stack's dead-letter queues
     * @param admittedCalls accounting calls the limiter admitted
     * @param rejectedCalls accounting calls rejected with 429, by X-Rate-Limit-Problem
     * @param peakConcurrentCalls the most accounting calls in progress at once
     * @param busyNanos from the first accounting call's start to the last one's end
     */
    record TenantResult(String tenantId, int sent, int accepted, Map<HandoffState, Integer> states, int invoices,
            int duplicateInvoices, int dlqMessages, long admittedCalls, Map<String, Long> rejectedCalls,
            int peakConcurrentCalls, long busyNanos) {

        int invoiced() {
            return states.entrySet().stream().filter(entry -> INVOICE_RAISED.contains(entry.getKey()))
                    .mapToInt(Map.Entry::getValue).sum();
        }

        int exceptions() {
            return states.getOrDefault(HandoffState.BLOCKED, 0) + states.getOrDefault(HandoffState.FAILED, 0);
        }

        /** Accepted deals that are neither invoiced, nor an exception in the ledger, nor in a dead-letter queue. */
        int lost() {
            return Math.max(0, accepted - invoiced() - exceptions() - dlqMessages);
        }
    }

    /**
     * The burst's figures.
     *
     * @param completedInTime whether both stacks went quiet before the wait ran out
     * @param elapsedNanos from the first webhook to quiet (or to the end of the wait)
     */
    record Result(int deals, double timeScale, int hubSpotBudget, List<TenantResult> tenants, boolean completedInTime,
            long elapsedNanos) {
    }

    /**
     * Returns HubSpot requests per ten seconds for the burst stacks: the default budget sped up by the time scale,
     * at most the 1,000 the setting accepts. HubSpot's own limit runs on real time, so without this the burst
     * would meet a CRM budget that is tighter by the time scale, relative to Xero's scaled minute, than a deployed
     * stack meets.
     */
    static int hubSpotBudget(double timeScale) {
        return (int) Math.min(1_000, Math.round(HubSpotSettings.DEFAULT_REQUEST_BUDGET * timeScale));
    }

    Result run() throws IOException, InterruptedException {
        List<String> tenants = List.of(LocalSettings.TENANT_ID, SECOND_TENANT_ID);
        ApiCallLog calls = new ApiCallLog();
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(0, LocalSettings.HUBSPOT_ACCESS_TOKEN);
                XeroSimulator xero = XeroSimulator.builder()
                        .tenant(tenants.get(0))
                        .tenant(tenants.get(1))
                        .accessToken(LocalSettings.XERO_ACCESS_TOKEN)
                        .webhookKey(LocalSettings.XERO_WEBHOOK_KEY)
                        .rateLimits(settings.timeScale())
                        .start()) {
            xero.requestListener(calls);
            BenchDeals deals = new BenchDeals(hubspot);
            List<List<String>> dealsByTenant = List.of(new ArrayList<>(), new ArrayList<>());
            for (int number = 0; number < settings.burstDeals(); number++) {
                dealsByTenant.get(number % 2).add(deals.seedNewCustomerDeal(number));
            }

            List<LocalLambdaStack> stacks = new ArrayList<>();
            try {
                for (String tenant : tenants) {
                    // Handoff's own Xero budget counts on the simulator's clock, so the burst meets Xero's limits, not a
                    // budget that counts real minutes against a simulator's scaled ones.
                    stacks.add(LocalHandoff.stackBuilder(FreePorts.find(), RETRY_DELAY, "PAID", hubspot, xero, tenant)
                            .environment("XERO_LIMIT_TIME_SCALE", Double.toString(settings.timeScale()))
                            .environment("HUBSPOT_REQUEST_BUDGET", Integer.toString(hubSpotBudget(settings.timeScale())))
                            .pollersPerEventSource(POLLERS_PER_QUEUE)
                            .start());
                }
                progress.printf("Burst: %d won deals across 2 tenants, Xero limits at time scale %s (%d calls per %d ms)%n",
                        settings.burstDeals(), settings.timeScale(), XeroRateLimiter.CALLS_PER_MINUTE,
                        xero.rateLimiter().orElseThrow().minuteWindow().toMillis());

                long started = System.nanoTime();
                List<Integer> accepted = sendAll(deals, stacks, dealsByTenant);
                boolean quiet = awaitQuiet(stacks, expectedDuration(xero));
                long elapsed = System.nanoTime() - started;

                List<TenantResult> results = new ArrayList<>();
                for (int i = 0; i < tenants.size(); i++) {
                    results.add(tenantResult(tenants.get(i), dealsByTenant.get(i).size(), accepted.get(i), stacks.get(i),
                            xero, calls));
                }
                return new Result(settings.burstDeals(), settings.timeScale(), hubSpotBudget(settings.timeScale()), results,
                        quiet, elapsed);
            } finally {
                stacks.forEach(LocalLambdaStack::close);
            }
        }
    }

    /** Sends every deal's webhook to its tenant's stack from several threads; returns the 200s per tenant. */
    private List<Integer> sendAll(BenchDeals deals, List<LocalLambdaStack> stacks, List<List<String>> dealsByTenant)
            throws InterruptedException {
        ExecutorService senders = Executors.newFixedThreadPool(SENDER_THREADS);
        try {
            List<List<Future<Integer>>> statuses = new ArrayList<>();
            for (int i = 0; i < stacks.size(); i++) {
                URI url = stacks.get(i).apiBaseUrl().resolve(LocalSettings.HUBSPOT_WEBHOOK_PATH);
                List<Future<Integer>> tenantStatuses = new ArrayList<>();
                for (String dealId : dealsByTenant.get(i)) {
                    tenantStatuses.add(senders.submit(() -> deals.sendWon(url, dealId)));
                }
                statuses.add(tenantStatuses);
            }
            List<Integer> accepted = new ArrayList<>();
            for (List<Future<Integer>> tenantStatuses : statuses) {
                int ok = 0;
                for (Future<Integer> status : tenantStatuses) {
                    ok += status(status) == 200 ? 1 : 0;
                }
                accepted.add(ok);
            }
            return accepted;
        } finally {
            senders.shutdownNow();
        }
    }

    private int status(Future<Integer> status) throws InterruptedException {
        try {
            return status.get();
        } catch (ExecutionException e) {
            progress.println("  a webhook failed to send: " + e.getCause().getClass().getSimpleName());
            return -1;
        }
    }

    /**
     * Returns a generous wait: four times what the minute limit alone needs at ten accounting calls per deal,
     * and at least two minutes. It is a ceiling, not a target.
     */
    private Duration expectedDuration(XeroSimulator xero) {
        long windowMillis = xero.rateLimiter().orElseThrow().minuteWindow().toMillis();
        long callsPerTenant = 10L * settings.burstDeals() / 2;
        Duration atLimit = Duration.ofMillis(windowMillis * callsPerTenant / XeroRateLimiter.CALLS_PER_MINUTE);
        Duration ceiling = atLimit.multipliedBy(4);
        return ceiling.compareTo(MIN_WAIT) > 0 ? ceiling : MIN_WAIT;
    }

    private boolean awaitQuiet(List<LocalLambdaStack> stacks, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LocalLambdaStack stack : stacks) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            try {
                stack.awaitQuiescence(left);
            } catch (IllegalStateException e) {
                progress.println("  the burst did not finish within " + timeout.toSeconds() + " s: " + e.getMessage());
                return false;
            }
        }
        return true;
    }

    private TenantResult tenantResult(String tenantId, int sent, int accepted, LocalLambdaStack stack, XeroSimulator xero,
            ApiCallLog calls) {
        Ledger ledger = new Ledger(stack.dynamoDb(), stack.resources().tableName("LedgerTable"));
        Map<HandoffState, Integer> states = new EnumMap<>(HandoffState.class);
        for (HandoffState state : HandoffState.values()) {
            List<Handoff> handoffs = ledger.listByState(state);
            if (!handoffs.isEmpty()) {
                states.put(state, handoffs.size());
            }
        }

        List<ObjectNode> invoices = xero.invoices(tenantId);
        Map<String, Long> byReference = invoices.stream()
                .collect(Collectors.groupingBy(invoice -> invoice.path("Reference").asText(), Collectors.counting()));
        int duplicates = (int) byReference.values().stream().mapToLong(count -> count - 1).sum();
        int dlq = stack.dlqDepths().values().stream().mapToInt(Integer::intValue).sum();

        List<SimulatedRequest> tenantCalls = calls.all().stream().filter(call -> tenantId.equals(call.tenantId())).toList();
        List<SimulatedRequest> admitted = tenantCalls.stream().filter(call -> call.status() != 429).toList();
        Map<String, Long> rejected = new LinkedHashMap<>(xero.rateLimiter().orElseThrow().usage()
                .getOrDefault(tenantId, new XeroRateLimiter.Usage(0, Map.of(), 0)).rejected());
        long busy = admitted.isEmpty() ? 0
                : admitted.stream().mapToLong(SimulatedRequest::endNanos).max().orElse(0)
                        - admitted.stream().mapToLong(SimulatedRequest::startNanos).min().orElse(0);
        int peak = xero.rateLimiter().orElseThrow().usage().getOrDefault(tenantId, new XeroRateLimiter.Usage(0, Map.of(), 0))
                .peakInProgress();
        return new TenantResult(tenantId, sent, accepted, states, invoices.size(), duplicates, dlq, admitted.size(),
                rejected, peak, busy);
    }
}
