package dev.handoff.local.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.handoff.bench.probe.ColdStartProbe;
import dev.handoff.bench.probe.HelloWorldHandler;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalSettings;
import dev.handoff.local.engines.FunctionDefinition;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Measures each function's cold start beside a hello-world handler started the same way. For each function a
 * fresh JVM loads the handler class from the function's shaded jar, constructs it with the function's environment
 * and handles one real event against the local stack.
 *
 * <p>The events follow one deal from won to paid, so every function does its full work. The functions' outgoing
 * queues point at scratch queues that no poller reads, and the benchmark passes each message on to the next
 * function itself.
 */
final class ColdStartBenchmark {

    static final String HELLO_WORLD = "HelloWorld";

    private static final Pattern PROBE_LINE = Pattern.compile("cold-start initNanos=(\\d+) invokeNanos=(\\d+) result=(.*)");
    private static final long PROBE_TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> OUTGOING_QUEUES =
            List.of("DEAL_WON_QUEUE_URL", "INVOICE_QUEUE_URL", "PAYMENT_EVENTS_QUEUE_URL");

    /** Reasons by logical id that a function outside the won-to-paid path has no cold start here; others get a generic one. */
    static final Map<String, String> NOT_MEASURED = Map.of(
            "XeroConnectFunction", "runs when a person connects a Xero organisation, not between won and paid",
            "XeroTokenKeepAliveFunction", "runs once a day on a schedule, which the local stack does not emulate",
            "ReviewOpsFunction", "serves the review API to people, not between won and paid");
    private static final String NOT_ON_PATH = "not between won and paid, where the probes run";

    private final BenchSettings settings;
    private final Path repositoryRoot;
    private final PrintStream progress;

    ColdStartBenchmark(BenchSettings settings, Path repositoryRoot, PrintStream progress) {
        this.settings = settings;
        this.repositoryRoot = repositoryRoot;
        this.progress = progress;
    }

    /**
     * One function's cold starts, one entry per round.
     *
     * @param jarBytes size of the function's deployment jar, -1 when it is not built
     * @param totalMillis from starting the JVM to the first event handled
     * @param initMillis loading and constructing the handler
     * @param invokeMillis reading the event and handling it
     * @param outcomes the handler's result summary, or why the round did not run
     */
    record FunctionColdStart(String function, long jarBytes, List<Double> totalMillis, List<Double> initMillis,
            List<Double> invokeMillis, List<String> outcomes) {

        static FunctionColdStart empty(String function, long jarBytes) {
            return new FunctionColdStart(function, jarBytes, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /** Runs the rounds and returns the hello-world baseline first, then each function in pipeline order. */
    List<FunctionColdStart> run(LocalHandoff local, BenchDeals deals) throws IOException, InterruptedException {
        SqsClient sqs = local.stack().sqs();
        String sink = sqs.createQueue(request -> request.queueName("bench-cold-start-sink")).queueUrl();
        String fifoSink = sqs.createQueue(request -> request.queueName("bench-cold-start-sink.fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        Path work = Files.createTempDirectory("handoff-cold-start");

        Map<String, FunctionColdStart> results = new LinkedHashMap<>();
        results.put(HELLO_WORLD, FunctionColdStart.empty(HELLO_WORLD, jarSize(codeLocation(HelloWorldHandler.class))));
        List<FunctionDefinition> functions = local.stack().template().functions();
        for (FunctionDefinition function : functions) {
            results.put(function.logicalId(), FunctionColdStart.empty(function.logicalId(), jarSize(jar(function))));
        }

        for (int round = 0; round < settings.coldStartRounds(); round++) {
            progress.printf("Cold start round %d of %d: a fresh JVM per function%n", round + 1, settings.coldStartRounds());
            Path roundDir = Files.createDirectories(work.resolve("round-" + round));
            Map<String, String> helloEnvironment = Map.of("JAVA_TOOL_OPTIONS",
                    local.stack().environment(functions.get(0).logicalId()).getOrDefault("JAVA_TOOL_OPTIONS", ""));
            Path helloEvent = Files.writeString(roundDir.resolve("hello.json"), "{\"greeting\":\"hello\"}");
            probe(results.get(HELLO_WORLD), helloClasspath(), HelloWorldHandler.class.getName(), helloEvent, helloEnvironment,
                    roundDir.resolve("hello.log"));
            runChain(local, deals, round, roundDir, sink, fifoSink, results);
        }
        for (FunctionColdStart result : results.values()) {
            if (result.totalMillis().isEmpty() && result.outcomes().isEmpty()) {
                result.outcomes().add("not measured: " + notMeasuredReason(result.function()));
            }
        }
        return List.copyOf(results.values());
    }

    /** Returns why the benchmark does not run {@code logicalId}, for the report. */
    static String notMeasuredReason(String logicalId) {
        return NOT_MEASURED.getOrDefault(logicalId, NOT_ON_PATH);
    }

    /** Runs the five functions on one new deal, each on the event that the one before it produced. */
    private void runChain(LocalHandoff local, BenchDeals deals, int round, Path roundDir, String sink, String fifoSink,
            Map<String, FunctionColdStart> results) throws IOException, InterruptedException {
        String dealId = deals.seedNewCustomerDeal(1_000 + round);
        Optional<Path> event = Optional.of(writeHubSpotEvent(local, deals, dealId, roundDir));
        event = step(local, "DealWonWebhookFunction", event, sink, fifoSink, roundDir, results, sink);
        event = step(local, "CustomerUpsertFunction", event, sink, fifoSink, roundDir, results, sink);
        step(local, "InvoiceCreationFunction", event, sink, fifoSink, roundDir, results, null);

        event = capturePaymentWebhook(local, dealId, roundDir);
        event = step(local, "PaymentStatusCallbackFunction", event, sink, fifoSink, roundDir, results, sink);
        step(local, "PaymentStatusSyncFunction", event, sink, fifoSink, roundDir, results, fifoSink);
    }

    /**
     * Runs one function's probe on {@code event} and returns the SQS event for the next function, built from the
     * message that this one sent to {@code nextQueue}; empty when this step or an earlier one failed.
     */
    private Optional<Path> step(LocalHandoff local, String logicalId, Optional<Path> event, String sink, String fifoSink,
            Path roundDir, Map<String, FunctionColdStart> results, String nextQueue) throws IOException, InterruptedException {
        FunctionColdStart result = results.get(logicalId);
        FunctionDefinition function = local.stack().template().function(logicalId);
        if (event.isEmpty()) {
            result.outcomes().add("skipped: an earlier step failed");
            return Optional.empty();
        }
        if (result.jarBytes() < 0) {
            result.outcomes().add("skipped: " + jar(function) + " is not built; run mvn package");
            return Optional.empty();
        }

        Map<String, String> environment = new LinkedHashMap<>(local.stack().environment(logicalId));
        OUTGOING_QUEUES.forEach(name -> environment.computeIfPresent(name, (key, value) -> sink));
        environment.computeIfPresent("ONBOARDING_QUEUE_URL", (key, value) -> fifoSink);
        String handlerClass = function.handler().split("::")[0];
        String classpath = jar(function) + File.pathSeparator + probeClasspath();
        boolean handled = probe(result, classpath, handlerClass, event.get(), environment, roundDir.resolve(logicalId + ".log"));
        if (!handled || nextQueue == null) {
            return Optional.empty();
        }
        return receiveAsSqsEvent(local.stack().sqs(), nextQueue, roundDir.resolve(logicalId + "-output.json"));
    }

    /** Starts the probe JVM and records its times; returns whether it reported a handled event. */
    private boolean probe(FunctionColdStart result, String classpath, String handlerClass, Path event,
            Map<String, String> environment, Path log) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", classpath, ColdStartProbe.class.getName(), handlerClass,
                event.toString());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.redirectError(log.toFile());

        long started = System.nanoTime();
        Process process = builder.start();
        Matcher reported = null;
        long reportedAt = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                Matcher matcher = PROBE_LINE.matcher(line);
                if (matcher.matches()) {
                    reportedAt = System.nanoTime();
                    reported = matcher;
                }
            }
        }
        if (!process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (reported == null) {
            result.outcomes().add("failed: see " + log);
            progress.println("  " + result.function() + ": the probe reported no handled event; see " + log);
            return false;
        }
        result.totalMillis().add((reportedAt - started) / 1e6);
        result.initMillis().add(Long.parseLong(reported.group(1)) / 1e6);
        result.invokeMillis().add(Long.parseLong(reported.group(2)) / 1e6);
        result.outcomes().add(reported.group(3));
        return true;
    }

    /** Writes an HTTP API event carrying a freshly signed won-deal webhook, as API Gateway would pass it. */
    private Path writeHubSpotEvent(LocalHandoff local, BenchDeals deals, String dealId, Path roundDir) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(repositoryRoot.resolve(LocalSettings.SAMPLE_HUBSPOT_EVENT).toFile());
        byte[] body = deals.wonEventBody(dealId);
        String timestamp = Long.toString(System.currentTimeMillis());
        String publicUrl = local.stack().environment("DealWonWebhookFunction").get("HUBSPOT_PUBLIC_WEBHOOK_URL");
        ObjectNode headers = (ObjectNode) event.get("headers");
        headers.put("x-hubspot-request-timestamp", timestamp);
        headers.put("x-hubspot-signature-v3", WebhookSender.signV3(LocalSettings.HUBSPOT_CLIENT_SECRET, "POST", publicUrl, body, timestamp));
        headers.put("x-hubspot-signature", WebhookSender.signV1(LocalSettings.HUBSPOT_CLIENT_SECRET, body));
        headers.put("content-length", Integer.toString(body.length));
        event.put("body", new String(body, StandardCharsets.UTF_8));
        return Files.write(roundDir.resolve("hubspot-webhook.json"), JSON.writeValueAsBytes(event));
    }

    /**
     * Pays the deal's invoice in the Xero simulator with its webhook pointed at a capturing receiver on 127.0.0.1,
     * and wraps the signed delivery in an HTTP API event.
     */
    private Optional<Path> capturePaymentWebhook(LocalHandoff local, String dealId, Path roundDir) throws IOException {
        Optional<ObjectNode> invoice = local.xero().invoices(LocalSettings.TENANT_ID).stream()
                .filter(node -> ("HS-" + dealId).equals(node.path("Reference").asText()))
                .findFirst();
        if (invoice.isEmpty()) {
            return Optional.empty();
        }
        AtomicReference<byte[]> body = new AtomicReference<>();
        AtomicReference<String> signature = new AtomicReference<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                body.set(in.readAllBytes());
                signature.set(exchange.getRequestHeaders().getFirst("x-xero-signature"));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
        try {
            local.xero().webhookUrl(java.net.URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhooks/xero"));
            local.xero().recordPayment(LocalSettings.TENANT_ID, invoice.get().path("InvoiceID").asText(),
                    invoice.get().path("AmountDue").decimalValue());
        } finally {
            local.xero().webhookUrl(local.xeroWebhookUrl());
            receiver.stop(0);
        }
        if (body.get() == null) {
            return Optional.empty();
        }

        ObjectNode event = (ObjectNode) JSON.readTree(repositoryRoot.resolve("events/xero-invoice-webhook.json").toFile());
        ObjectNode headers = (ObjectNode) event.get("headers");
        headers.put("x-xero-signature", signature.get());
        headers.put("content-length", Integer.toString(body.get().length));
        event.put("body", new String(body.get(), StandardCharsets.UTF_8));
        return Optional.of(Files.write(roundDir.resolve("xero-webhook.json"), JSON.writeValueAsBytes(event)));
    }

    /** Receives the one message a function sent, deletes it and writes it as the SQS event Lambda would pass. */
    private static Optional<Path> receiveAsSqsEvent(SqsClient sqs, String queueUrl, Path file) throws IOException {
        List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(1)
                .waitTimeSeconds(2).messageAttributeNames("All").messageSystemAttributeNamesWithStrings("All")).messages();
        if (messages.isEmpty()) {
            return Optional.empty();
        }
        Message message = messages.get(0);
        sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));

        ObjectNode record = JSON.createObjectNode();
        record.put("messageId", message.messageId());
        record.put("receiptHandle", message.receiptHandle());
        record.put("body", message.body());
        ObjectNode attributes = record.putObject("attributes");
        message.attributesAsStrings().forEach(attributes::put);
        ObjectNode messageAttributes = record.putObject("messageAttributes");
        message.messageAttributes().forEach((name, value) -> {
            ObjectNode attribute = messageAttributes.putObject(name);
            attribute.put("stringValue", value.stringValue());
            attribute.putArray("stringListValues");
            attribute.putArray("binaryListValues");
            attribute.put("dataType", value.dataType());
        });
        record.put("md5OfBody", message.md5OfBody());
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", "arn:aws:sqs:af-south-1:000000000000:" + queueUrl.substring(queueUrl.lastIndexOf('/') + 1));
        record.put("awsRegion", "af-south-1");
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        records.add(record);
        return Optional.of(Files.write(file, JSON.writeValueAsBytes(event)));
    }

    private Path jar(FunctionDefinition function) {
        return repositoryRoot.resolve(function.codeUri());
    }

    private static long jarSize(Path jar) throws IOException {
        return Files.isRegularFile(jar) ? Files.size(jar) : -1;
    }

    /** Returns the probe's classes and the Lambda runtime's event serialisers, which Lambda's runtime provides. */
    private static String probeClasspath() {
        return codeLocation(ColdStartProbe.class) + File.pathSeparator + codeLocation(LambdaEventSerializers.class);
    }

    private static String helloClasspath() {
        return probeClasspath() + File.pathSeparator + codeLocation(RequestHandler.class);
    }

    private static Path codeLocation(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Unreadable class path entry of " + type.getName(), e);
        }
    }
}
