package dev.handoff.local.bench;

import dev.handoff.accounting.xero.XeroCallLimits;
import dev.handoff.config.HubSpotSettings;
import dev.handoff.ratelimit.RequestBudget;
import dev.handoff.local.bench.BurstBenchmark.TenantResult;
import dev.handoff.local.bench.ColdStartBenchmark.FunctionColdStart;
import dev.handoff.local.bench.PipelineBenchmark.CallCounts;
import dev.handoff.local.bench.PipelineBenchmark.Latency;
import dev.handoff.local.bench.PipelineBenchmark.LambdaUsage;
import dev.handoff.simulator.xero.XeroRateLimiter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Writes the benchmark's figures as Markdown, with the machine and the command that produced them. */
final class BenchReport {

    /** Accounting calls a new customer needs at least: create the contact, create the invoice. */
    static final int MIN_ACCOUNTING_NEW_CUSTOMER = 2;
    /**
     * Accounting calls a repeat customer needs at least: read the linked contact, because the credit rules need
     * its receivables and the same read gives the merge check and the fields to sync, then create the invoice.
     */
    static final int MIN_ACCOUNTING_REPEAT_CUSTOMER = 2;
    /** Accounting calls a payment needs at least: read the invoice the webhook names. */
    static final int MIN_ACCOUNTING_PAYMENT = 1;

    private final BenchSettings settings;
    private final StringBuilder out = new StringBuilder();

    BenchReport(BenchSettings settings) {
        this.settings = settings;
    }

    String render(BurstBenchmark.Result burst, PipelineBenchmark.Result pipeline, List<FunctionColdStart> coldStarts,
            long elapsedNanos) {
        line("# Benchmarks");
        line("");
        line("Figures from one run of `" + settings.command() + "` on " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + ", taking " + seconds(elapsedNanos) + " s. Everything ran on this machine against the local stack:");
        line("dynalite for DynamoDB, ElasticMQ for SQS, and the HubSpot and Xero simulators, all on 127.0.0.1.");
        line("They are not AWS figures. Rerun the command to refresh this page.");
        line("");
        machine();
        throughput(burst, pipeline);
        callsPerHandoff(pipeline);
        coldStart(coldStarts);
        warmLatency(pipeline);
        cost(pipeline);
        method();
        return out.toString();
    }

    void write(String markdown) throws IOException {
        Path parent = settings.output().toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(settings.output(), markdown);
    }

    private void machine() {
        line("| Machine | |");
        line("| --- | --- |");
        line("| CPU | " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores |");
        line("| Memory | " + memoryGib() + " |");
        line("| JDK | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " |");
        line("| OS | " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + " |");
        line("| Command | `" + settings.command() + "` |");
        line("");
    }

    private void throughput(BurstBenchmark.Result burst, PipelineBenchmark.Result pipeline) {
        long perHandoff = Math.max(1, pipeline.newCustomer().accounting());
        double windowSeconds = 60.0 / burst.timeScale();

        line("## Throughput under Xero's limits");
        line("");
        line(String.format(Locale.ROOT, "%d won deals, new customers, sent at once to two local stacks, one per Xero tenant. "
                + "The Xero simulator enforced %d calls per rolling minute, %d concurrent and %d per rolling day per tenant, "
                + "with the time scale %s: a Xero minute lasted %s s here. Rates below are per Xero minute. "
                + "Handoff's own Xero budget (%d calls a minute, %d at once and %d a day per tenant) counted on the same "
                + "clock, because the benchmark sets XERO_LIMIT_TIME_SCALE to the same scale. The budget caps calls "
                + "at %d%% of Xero's minute limit in any rolling minute. A busy tenant gets about %d%%, because the "
                + "budget counts the minute in %d slices and a full burst waits one slice longer than the minute. The "
                + "budget caps deals at %d/N per Xero minute. Each stack ran %d pollers per queue, each with its own "
                + "handler instance, as Lambda reads up to five batches of a queue at once. Each stack's HubSpot "
                + "budget was %d requests per 10 s, the default %d sped up by the same time scale.",
                burst.deals(), XeroRateLimiter.CALLS_PER_MINUTE, XeroRateLimiter.CONCURRENT_CALLS, XeroRateLimiter.CALLS_PER_DAY,
                number(burst.timeScale()), number(windowSeconds), XeroCallLimits.TENANT_MINUTE_BUDGET,
                XeroCallLimits.TENANT_CONCURRENCY_BUDGET, XeroCallLimits.TENANT_CALLS_PER_DAY,
                Math.round(100.0 * XeroCallLimits.TENANT_MINUTE_BUDGET / XeroRateLimiter.CALLS_PER_MINUTE),
                Math.round(100.0 * XeroCallLimits.TENANT_MINUTE_BUDGET * RequestBudget.ROLLING_SLICES
                        / (RequestBudget.ROLLING_SLICES + 1) / XeroRateLimiter.CALLS_PER_MINUTE),
                RequestBudget.ROLLING_SLICES, XeroCallLimits.TENANT_MINUTE_BUDGET, BurstBenchmark.POLLERS_PER_QUEUE, burst.hubSpotBudget(),
                HubSpotSettings.DEFAULT_REQUEST_BUDGET));
        if (!burst.completedInTime()) {
            line("");
            line("**The stacks were still busy when the wait ran out; the figures count what had happened by then.**");
        }

        line("");
        line("| Tenant | Sent | Accepted | Invoiced | Blocked or failed | DLQ messages | Lost | Duplicate invoices "
                + "| Accounting calls | 429s | Peak concurrent | Busy (s) | Calls per Xero minute | Share of limit "
                + "| Deals per Xero minute | Ceiling 60/N |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (TenantResult tenant : burst.tenants()) {
            double xeroMinutes = tenant.busyNanos() / 1e9 / windowSeconds;
            double callsPerMinute = xeroMinutes == 0 ? 0 : tenant.admittedCalls() / xeroMinutes;
            double dealsPerMinute = xeroMinutes == 0 ? 0 : tenant.invoiced() / xeroMinutes;
            line(String.format(Locale.ROOT, "| …%s | %d | %d | %d | %d | %d | %d | %d | %d | %s | %d | %.1f | %.1f | %.0f%% | %.1f | %.1f |",
                    tenant.tenantId().substring(tenant.tenantId().length() - 4), tenant.sent(), tenant.accepted(),
                    tenant.invoiced(), tenant.exceptions(), tenant.dlqMessages(), tenant.lost(), tenant.duplicateInvoices(),
                    tenant.admittedCalls(), rejected(tenant.rejectedCalls()), tenant.peakConcurrentCalls(),
                    tenant.busyNanos() / 1e9, callsPerMinute, 100 * callsPerMinute / XeroRateLimiter.CALLS_PER_MINUTE,
                    dealsPerMinute, XeroRateLimiter.CALLS_PER_MINUTE / (double) perHandoff));
        }

        line("");
        line("N = " + perHandoff + ", the accounting calls one new-customer handoff made in the calls-per-handoff run below. "
                + "Lost means accepted but neither invoiced, nor blocked or failed in the ledger, nor in a dead-letter queue. "
                + "Busy runs from the tenant's first accounting call to its last. A rolling window admits a full minute's "
                + "calls at once, so over a busy time of a few Xero minutes the rates can exceed the limit's average.");
        line("");
    }

    private void callsPerHandoff(PipelineBenchmark.Result pipeline) {
        line("## Calls per handoff");
        line("");
        line("Each benchmark deal has one company, one contact and one line item without a catalogue product, so "
                + "the CRM reads are the deal, one batch read each of companies, contacts and line items, and no "
                + "product read. One handoff at a time, on handlers that a warm-up handoff has already used, so "
                + "once-per-instance reads such as Xero's tax rates (one more accounting call) are not counted. Calls are "
                + "the requests the simulators served. The simulators enforced no rate limits here, and Handoff's own "
                + "Xero budget counted on a clock sped up " + number(BenchCommand.PIPELINE_BUDGET_TIME_SCALE)
                + " times and its HubSpot budget allowed " + BenchCommand.PIPELINE_HUBSPOT_BUDGET
                + " requests per 10 s, so neither delayed these handoffs.");
        line("");
        line("| Step | CRM calls | Accounting calls | Accounting minimum |");
        line("| --- | ---: | ---: | ---: |");
        callsRow("Won deal, new customer", pipeline.newCustomer(), MIN_ACCOUNTING_NEW_CUSTOMER);
        callsRow("Won deal, repeat customer", pipeline.repeatCustomer(), MIN_ACCOUNTING_REPEAT_CUSTOMER);
        callsRow("Invoice paid", pipeline.payment(), MIN_ACCOUNTING_PAYMENT);
        line("");
        line("The minimum is what Xero's API allows for what Handoff checks. A new customer needs the contact "
                + "created and the invoice created, and its minimum counts only these two. Before the create, Handoff "
                + "looks for an existing contact, so that no customer is created twice. The contact number, VAT number "
                + "and registration number share one GET /Contacts, whose where filter joins them with OR. The name "
                + "and the billing e-mail address are free text, which never goes into a where filter, so each takes a "
                + "searchTerm request of its own, sent only when the numbers match no contact. These 3 lookups are the "
                + "calls above a new customer's minimum. The new contact's balances are not read, because a contact "
                + "created just now has no invoices. A repeat customer whose contact id the ledger holds needs the "
                + "contact read once and the invoice created. The invoice alone would be 1 call, but the credit rules "
                + "need the customer's overdue and outstanding receivables, which only the contact read returns, and "
                + "the same GET /Contacts/{id} gives the merge check (MergedToContactID) and the fields to sync. A "
                + "payment needs the invoice read once.");
        line("");
        line("| Step | Requests by endpoint |");
        line("| --- | --- |");
        endpointsRow("Won deal, new customer", pipeline.newCustomer());
        endpointsRow("Won deal, repeat customer", pipeline.repeatCustomer());
        endpointsRow("Invoice paid", pipeline.payment());
        line("");
    }

    private void endpointsRow(String step, CallCounts counts) {
        line("| " + step + " | " + counts.endpoints().entrySet().stream()
                .map(entry -> "`" + entry.getKey() + "` ×" + entry.getValue()).collect(Collectors.joining("<br>")) + " |");
    }

    private void callsRow(String step, CallCounts counts, int minimum) {
        line("| " + step + " | " + counts.crm() + " | " + counts.accounting() + " | " + minimum + " |");
    }

    private void coldStart(List<FunctionColdStart> coldStarts) {
        double hello = coldStarts.stream().filter(result -> result.function().equals(ColdStartBenchmark.HELLO_WORLD))
                .findFirst().map(result -> median(result.totalMillis())).orElse(0.0);
        line("## Cold start");
        line("");
        line("Each function in a fresh JVM: load the handler class from the function's shaded jar, construct it with "
                + "the function's environment, read one event with the Lambda runtime's serialisers and handle it "
                + "against the local stack, with the template's JAVA_TOOL_OPTIONS. The events follow one new deal from "
                + "won to paid. Times are medians over " + settings.coldStartRounds() + " round(s), in milliseconds. "
                + "Reading the first event includes starting the runtime serialisers' JSON library, which is why "
                + "hello world spends most of its time there.");
        line("");
        line("| Function | Jar (MiB) | Cold start | Ratio to hello world | Load and construct | Read and handle event | Result |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (FunctionColdStart result : coldStarts) {
            String outcomes = result.outcomes().stream().distinct().collect(Collectors.joining("; "));
            if (result.totalMillis().isEmpty()) {
                // A function that did not run has no times, and a 0 would read as an instant cold start.
                line(String.format(Locale.ROOT, "| %s | %s | not measured | - | - | - | %s |", result.function(),
                        result.jarBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", result.jarBytes() / 1048576.0),
                        outcomes));
                continue;
            }
            double total = median(result.totalMillis());
            boolean helloWorld = result.function().equals(ColdStartBenchmark.HELLO_WORLD);
            line(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %.0f | %.0f | %s |", result.function(),
                    helloWorld || result.jarBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", result.jarBytes() / 1048576.0),
                    total, hello == 0 || result.totalMillis().isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", total / hello),
                    median(result.initMillis()), median(result.invokeMillis()), outcomes));
        }
        line("");
    }

    private void warmLatency(PipelineBenchmark.Result pipeline) {
        line("## Warm latency");
        line("");
        line(pipeline.warmHandoffs() + " handoffs from won to paid, one at a time, on warm handlers ("
                + pipeline.warmCompleted() + " reached ONBOARDING_SENT). Per invocation, the time the simulators spent "
                + "serving its CRM and accounting calls is subtracted; DynamoDB and SQS time stays in. With "
                + pipeline.warmHandoffs() + " samples per function, p99 is close to the slowest invocation.");
        line("");
        line("| Function | Invocations | p50 (ms) | p99 (ms) | Mean API time excluded (ms) |");
        line("| --- | ---: | ---: | ---: | ---: |");
        for (Latency latency : pipeline.latency()) {
            line(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |", latency.function(), latency.samples(),
                    latency.p50Millis(), latency.p99Millis(), latency.meanApiMillis()));
        }
        line("");
    }

    private void cost(PipelineBenchmark.Result pipeline) {
        double handoffs = Math.max(1, pipeline.warmHandoffs());
        Map<String, Long> requests = pipeline.awsRequests();
        double lambdaRequests = pipeline.lambda().stream().mapToLong(LambdaUsage::invocations).sum() / handoffs;
        double gigabyteSeconds = pipeline.lambda().stream().mapToDouble(LambdaUsage::gigabyteSeconds).sum() / handoffs;
        double httpRequests = pipeline.lambda().stream()
                .filter(usage -> usage.function().equals("DealWonWebhookFunction") || usage.function().equals("PaymentStatusCallbackFunction"))
                .mapToLong(LambdaUsage::invocations).sum() / handoffs;
        double sqsRequests = sum(requests, operation -> operation.startsWith("Sqs.") && billableSqs(operation)) / handoffs;
        double idleReceives = sum(requests, operation -> operation.startsWith("Sqs.ReceiveMessage (empty)")) / handoffs;
        double readUnits = units(pipeline, operation -> operation.startsWith("DynamoDb.GetItem") || operation.startsWith("DynamoDb.Query"),
                requests) / handoffs;
        double writeUnits = units(pipeline, operation -> Stream.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")
                .anyMatch(write -> operation.startsWith("DynamoDb." + write)), requests) / handoffs;
        double indexWriteUnits = sum(requests, operation -> operation.equals("DynamoDb.UpdateItem")) / handoffs;

        line("## AWS requests and cost per handoff");
        line("");
        line("Counted over the " + pipeline.warmHandoffs() + " warm handoffs, won to paid, with every SDK client in the "
                + "JVM counted by an execution interceptor. Prices are list prices for arm64 without free tiers, in US "
                + "dollars: af-south-1 for Lambda duration and, as assumptions, US East for the rest (see the notes "
                + "below).");
        line("");
        line("| Item | Per handoff | Unit price (USD) | Per 1,000 handoffs (USD) |");
        line("| --- | ---: | ---: | ---: |");
        double total = 0;
        total += costRow("Lambda requests", lambdaRequests, PriceList.LAMBDA_REQUEST);
        total += costRow("Lambda duration (GB-s, local handler time)", gigabyteSeconds, PriceList.LAMBDA_GB_SECOND);
        total += costRow("HTTP API requests", httpRequests, PriceList.HTTP_API_REQUEST);
        total += costRow("SQS requests (functions and event source polling)", sqsRequests, PriceList.SQS_REQUEST);
        total += costRow("DynamoDB read request units", readUnits, PriceList.DYNAMODB_READ_UNIT);
        total += costRow("DynamoDB write request units, table", writeUnits, PriceList.DYNAMODB_WRITE_UNIT);
        total += costRow("DynamoDB write request units, gsi1 (estimate)", indexWriteUnits, PriceList.DYNAMODB_WRITE_UNIT);
        line(String.format(Locale.ROOT, "| **Total** | | | **%.4f** |", total * 1000));
        line("");
        line(String.format(Locale.ROOT, "Empty SQS receives while waiting (%.1f per handoff here) are left out. Lambda's "
                + "event source mapping polls whether or not work arrives, so that cost depends on time, not on handoffs. "
                + "The local poller also waits 1 s per receive where Lambda waits up to 20 s.", idleReceives));
        line("");
        line("The operations below include the benchmark's own GetQueueAttributes calls, which check that the stack "
                + "is quiet; they are not priced. Lambda bills the time a handler waits on the CRM and accounting APIs: "
                + "the simulators answered in milliseconds, and real API calls take longer, so the real duration per "
                + "handoff will be higher than measured here.");
        line("");
        line("| AWS operation | Requests per handoff | Capacity units per handoff |");
        line("| --- | ---: | ---: |");
        requests.forEach((operation, count) -> line(String.format(Locale.ROOT, "| %s | %.2f | %s |", operation, count / handoffs,
                Optional.ofNullable(pipeline.capacityUnits().get(operation))
                        .map(units -> String.format(Locale.ROOT, "%.2f", units / handoffs)).orElse("-"))));
        line("");
        line("| Function | Invocations per handoff | Billed ms per handoff | Memory (MB) |");
        line("| --- | ---: | ---: | ---: |");
        for (LambdaUsage usage : pipeline.lambda()) {
            if (usage.invocations() == 0) {
                line(String.format(Locale.ROOT, "| %s | not measured: %s | - | %d |", usage.function(),
                        ColdStartBenchmark.notMeasuredReason(usage.function()), usage.memoryMb()));
                continue;
            }
            line(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %d |", usage.function(), usage.invocations() / handoffs,
                    usage.billedMillis() / handoffs, usage.memoryMb()));
        }
        line("");
        line("Price sources, read on 2026-12-04: Lambda arm64 duration in af-south-1, $0.0000176800 per GB-s, from "
                + "artillery 2.0.28 `lib/platform/aws-lambda/prices.js`, a copy of https://aws.amazon.com/lambda/pricing/. "
                + "The other prices are assumptions at US East (N. Virginia) prices, because no af-south-1 figure could be "
                + "opened. They are Lambda requests at $0.20 per million and SQS at $0.40 per million requests, the one FIFO "
                + "send per handoff included. DynamoDB on-demand is $0.625 per million write and $0.125 per million read "
                + "request units, and HTTP API $1.00 per million requests. "
                + "af-south-1 prices are usually higher. Lambda duration uses this machine's handler time, not arm64 "
                + "Lambda's. dynalite reports no capacity for Query, so each Query counts as one read unit, and none for "
                + "index writes, so each UpdateItem is assumed to write gsi1 once more.");
        line("");
    }

    private void method() {
        line("## How the local stack differs from AWS");
        line("");
        line("- The burst stacks run " + BurstBenchmark.POLLERS_PER_QUEUE + " pollers per queue, a fixed number, where "
                + "Lambda scales its pollers with the queue's backlog. The other runs use one poller per queue, so their "
                + "handoffs run one batch at a time.");
        line("- Failed messages come back after 1 s instead of the queues' 360-second visibility timeout; a message "
                + "reaches its dead-letter queue after 5 receives, as in the template.");
        line("- Cold starts use the JVM of this machine, not Lambda's Firecracker microVM, and no SnapStart: the template "
                + "turns SnapStart on, which restores from a snapshot instead of starting the JVM.");
        line("- The benchmark reports what happened and checks nothing: tests only check that a tiny run completes.");
    }

    private double costRow(String item, double perHandoff, double unitPrice) {
        double perThousand = perHandoff * unitPrice * 1000;
        line(String.format(Locale.ROOT, "| %s | %.3f | %s | %.4f |", item, perHandoff, price(unitPrice), perThousand));
        return perHandoff * unitPrice;
    }

    private static boolean billableSqs(String operation) {
        return !operation.contains("(empty)") && !operation.startsWith("Sqs.GetQueueAttributes")
                && !operation.startsWith("Sqs.CreateQueue") && !operation.startsWith("Sqs.GetQueueUrl");
    }

    private static double sum(Map<String, Long> requests, java.util.function.Predicate<String> operation) {
        return requests.entrySet().stream().filter(entry -> operation.test(entry.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /** Reported capacity units of the matching operations, one unit per request where none was reported. */
    private static double units(PipelineBenchmark.Result pipeline, java.util.function.Predicate<String> operation,
            Map<String, Long> requests) {
        double total = 0;
        for (Map.Entry<String, Long> entry : requests.entrySet()) {
            if (operation.test(entry.getKey())) {
                total += pipeline.capacityUnits().getOrDefault(entry.getKey(), entry.getValue().doubleValue());
            }
        }
        return total;
    }

    private static String rejected(Map<String, Long> rejected) {
        if (rejected.isEmpty()) {
            return "0";
        }
        return rejected.entrySet().stream().map(entry -> entry.getValue() + " " + entry.getKey()).collect(Collectors.joining(", "));
    }

    static double median(List<Double> values) {
        return Percentiles.of(values, 0.5);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.0f", nanos / 1e9);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String price(double value) {
        return String.format(Locale.ROOT, "%.10f", value).replaceAll("0+$", "");
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    private static String memoryGib() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return String.format(Locale.ROOT, "%.1f GiB", os.getTotalMemorySize() / 1073741824.0);
        }
        return "unknown";
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
