package dev.handoff.local.runtime;

import dev.handoff.local.engines.AwsClients;
import dev.handoff.local.engines.DynaliteServer;
import dev.handoff.local.engines.ElasticMqServer;
import dev.handoff.local.engines.FunctionDefinition;
import dev.handoff.local.engines.FunctionDefinition.SqsEventSource;
import dev.handoff.local.engines.LocalResources;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.local.engines.QueueDefinition;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.local.engines.SamTemplate;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Runs a SAM template's functions locally as Lambda would, in this JVM: dynalite and ElasticMQ stand in for
 * DynamoDB and SQS, {@link ApiGatewayEmulator} for the HTTP API, and {@link SqsEventSourcePoller}s for the
 * event source mappings: one per SQS event unless {@link Builder#pollersPerEventSource} sets more.
 *
 * <p>Every function's environment is the template's, resolved against the local resources, plus
 * {@code AWS_REGION}, {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_SQS} and dummy credentials,
 * plus the builder's overrides, which win. Handler classes must be on the class path.
 */
public final class LocalLambdaStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalLambdaStack.class);

    /** Stack name used in resource names unless the builder sets another. */
    public static final String DEFAULT_STACK_NAME = "handoff";

    private static final Duration QUIESCENCE_POLL_INTERVAL = Duration.ofMillis(100);

    private final SamTemplate template;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    private final List<SqsEventSourcePoller> pollers = new ArrayList<>();
    private DynaliteServer dynalite;
    private ElasticMqServer elasticMq;
    private DynamoDbClient dynamoDb;
    private SqsClient sqs;
    private ProvisionedResources resources;
    private ApiGatewayEmulator apiGateway;

    private LocalLambdaStack(SamTemplate template) {
        this.template = template;
    }

    /** Returns a builder for a stack from the repository's {@code template.yaml}. */
    public static Builder builder() {
        return new Builder();
    }

    private void start(Builder builder) {
        dynalite = register(DynaliteServer.start());
        elasticMq = register(ElasticMqServer.start());
        dynamoDb = register(AwsClients.dynamoDb(dynalite.endpoint()));
        sqs = register(AwsClients.sqs(elasticMq.endpoint()));
        resources = LocalResources.create(template, dynamoDb, sqs);

        for (FunctionDefinition definition : template.functions()) {
            Map<String, String> environment = new LinkedHashMap<>(
                    template.resolveEnvironment(definition.logicalId(), builder.parameters, resources));
            environment.putAll(awsEnvironment());
            environment.putAll(builder.environment);
            environment.putAll(builder.functionEnvironment.getOrDefault(definition.logicalId(), Map.of()));
            environments.put(definition.logicalId(), Map.copyOf(environment));
            functions.put(definition.logicalId(), HandlerFactory.create(definition, environment, builder.classLoader));
        }

        for (LocalFunction function : functions.values()) {
            for (SqsEventSource source : function.definition().sqsEvents()) {
                for (int instance = 0; instance < builder.pollersPerEventSource; instance++) {
                    // The first poller shares the instance the API uses; each further one gets its own, as a further
                    // Lambda execution environment would.
                    LocalFunction handler = instance == 0 ? function
                            : HandlerFactory.createInstance(function, environments.get(function.name()), builder.classLoader);
                    startPoller(handler, source, builder, instance);
                }
            }
        }

        apiGateway = register(new ApiGatewayEmulator(List.copyOf(functions.values()), builder.apiPort));
        LOG.info("Local stack {} started: {} functions, {} pollers, API at {}",
                template.stackName(), functions.size(), pollers.size(), apiGateway.baseUrl());
        if (!template.unemulatedEvents().isEmpty()) {
            LOG.info("Events not emulated locally (they never fire here): {}", String.join(", ", template.unemulatedEvents()));
        }
    }

    private void startPoller(LocalFunction function, SqsEventSource source, Builder builder, int instance) {
        SqsEventSourcePoller poller = new SqsEventSourcePoller(function, source,
                resources.queueUrl(source.queueLogicalId()), resources.queueArns().get(source.queueLogicalId()),
                sqs, Optional.ofNullable(builder.retryDelay), instance);
        pollers.add(poller);
        register(poller);
        poller.start();
    }

    private Map<String, String> awsEnvironment() {
        return Map.of(
                "AWS_REGION", AwsClients.REGION,
                "AWS_DEFAULT_REGION", AwsClients.REGION,
                "AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString(),
                "AWS_ENDPOINT_URL_SQS", elasticMq.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", AwsClients.ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY", AwsClients.SECRET_ACCESS_KEY);
    }

    private <T extends AutoCloseable> T register(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** Returns the template with names for this stack. */
    public SamTemplate template() {
        return template;
    }

    /** Returns the created queues and tables. */
    public ProvisionedResources resources() {
        return resources;
    }

    /**
     * Returns the URL of queue {@code logicalId}.
     *
     * @throws IllegalArgumentException if the template declares no such queue
     */
    public String queueUrl(String logicalId) {
        return resources.queueUrl(logicalId);
    }

    /** Returns the API base URL, for example {@code http://127.0.0.1:41236}. */
    public URI apiBaseUrl() {
        return apiGateway.baseUrl();
    }

    /** Returns a DynamoDB client for dynalite; the stack closes it. */
    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** Returns the dynalite endpoint, for clients in other processes such as {@code ./handoff ops}. */
    public URI dynamoDbEndpoint() {
        return dynalite.endpoint();
    }

    /** Returns the ElasticMQ endpoint, for clients in other processes such as {@code ./handoff ops}. */
    public URI sqsEndpoint() {
        return elasticMq.endpoint();
    }

    /** Returns an SQS client for ElasticMQ; the stack closes it. */
    public SqsClient sqs() {
        return sqs;
    }

    /** Returns the local functions by logical id. */
    public Map<String, LocalFunction> functions() {
        return Map.copyOf(functions);
    }

    /**
     * Returns the environment that function {@code logicalId} was built with, for running its handler in another
     * process against this stack.
     *
     * @throws IllegalArgumentException if the template declares no such function
     */
    public Map<String, String> environment(String logicalId) {
        Map<String, String> environment = environments.get(logicalId);
        if (environment == null) {
            throw new IllegalArgumentException("No function " + logicalId + " in the template; functions are " + environments.keySet());
        }
        return environment;
    }

    /** Returns each function's counters by logical id. */
    public Map<String, FunctionMetrics.Snapshot> metrics() {
        Map<String, FunctionMetrics.Snapshot> snapshots = new LinkedHashMap<>();
        functions.forEach((name, function) -> snapshots.put(name, function.metrics().snapshot()));
        return snapshots;
    }

    /**
     * Waits until every queue that a function consumes contains no message (visible, in flight or delayed), no
     * poller is handling a batch and no HTTP request is running, in two checks in a row.
     *
     * <p>Messages that failed stay invisible for the queue's visibility timeout (360 s for the Handoff consumers),
     * so set {@link Builder#retryDelay} when failures are expected.
     *
     * @throws IllegalStateException naming the busy queues if that does not happen within {@code timeout}
     */
    public void awaitQuiescence(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietChecks = 0;
        Map<String, Integer> depths = Map.of();
        while (System.nanoTime() < deadline) {
            boolean idleBefore = runtimeIdle();
            depths = consumedQueueDepths();
            boolean quiet = idleBefore && depths.values().stream().allMatch(depth -> depth == 0) && runtimeIdle();
            quietChecks = quiet ? quietChecks + 1 : 0;
            if (quietChecks >= 2) {
                return;
            }
            sleep(QUIESCENCE_POLL_INTERVAL);
        }
        throw new IllegalStateException("Local stack not quiet after " + timeout.toMillis() + " ms; messages per queue: "
                + depths + ", batches in flight: " + pollers.stream().mapToInt(SqsEventSourcePoller::inFlight).sum()
                + ", HTTP requests in flight: " + apiGateway.inFlight());
    }

    private boolean runtimeIdle() {
        return apiGateway.inFlight() == 0 && pollers.stream().allMatch(SqsEventSourcePoller::idle);
    }

    private Map<String, Integer> consumedQueueDepths() {
        Set<String> consumed = new LinkedHashSet<>();
        pollers.forEach(poller -> consumed.add(poller.queueLogicalId()));
        Map<String, Integer> depths = new LinkedHashMap<>();
        consumed.forEach(logicalId -> depths.put(logicalId, depth(logicalId)));
        return depths;
    }

    /**
     * Returns the messages in each dead-letter queue, visible or in flight, by logical id. A dead-letter queue is
     * any queue named in another queue's redrive policy.
     */
    public Map<String, Integer> dlqDepths() {
        Map<String, Integer> depths = new LinkedHashMap<>();
        for (QueueDefinition queue : template.queues()) {
            queue.redrive().ifPresent(redrive ->
                    depths.put(redrive.deadLetterQueueLogicalId(), depth(redrive.deadLetterQueueLogicalId())));
        }
        return depths;
    }

    private int depth(String logicalId) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(request -> request
                .queueUrl(resources.queueUrl(logicalId))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    /** Stops the API emulator, then the pollers (each finishing its batch), then the clients and engines. */
    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            AutoCloseable closeable = closeables.get(i);
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", closeable.getClass().getSimpleName(), e.getClass().getName());
            }
        }
        closeables.clear();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the local stack", e);
        }
    }

    /** Configures and starts a {@link LocalLambdaStack}. */
    public static final class Builder {
        private Path templateFile;
        private String stackName = DEFAULT_STACK_NAME;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> functionEnvironment = new LinkedHashMap<>();
        private int apiPort;
        private Duration retryDelay;
        private int pollersPerEventSource = 1;
        private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();

        private Builder() {
        }

        /** Sets the template file; the default is {@code template.yaml} in the repository root. */
        public Builder template(Path templateFile) {
            this.templateFile = templateFile;
            return this;
        }

        /** Sets the stack name in queue and table names; the default is {@value LocalLambdaStack#DEFAULT_STACK_NAME}. */
        public Builder stackName(String stackName) {
            this.stackName = stackName;
            return this;
        }

        /** Sets a template parameter value, such as {@code XeroTenantId}. */
        public Builder parameter(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        /** Sets an environment variable for every function, overriding the template's value. */
        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Sets environment variables for every function, overriding the template's values. */
        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /** Sets an environment variable for one function, overriding every other value. */
        public Builder functionEnvironment(String functionLogicalId, String name, String value) {
            functionEnvironment.computeIfAbsent(functionLogicalId, id -> new LinkedHashMap<>()).put(name, value);
            return this;
        }

        /** Sets the API emulator's port on 127.0.0.1; the default 0 picks a free port. */
        public Builder apiPort(int port) {
            this.apiPort = port;
            return this;
        }

        /**
         * Makes failed SQS messages visible again after {@code delay}, in whole seconds, instead of the queue's
         * visibility timeout. Unset by default, as in Lambda.
         */
        public Builder retryDelay(Duration delay) {
            if (delay.isNegative() || delay.toSeconds() > 43_200) {
                throw new IllegalArgumentException("Invalid retryDelay " + delay + ": expected 0 to 43200 seconds");
            }
            this.retryDelay = delay;
            return this;
        }

        /**
         * Sets how many pollers each SQS event source runs, each with its own handler instance, so up to that many
         * batches of one queue are handled at once, as Lambda runs several execution environments per event
         * source mapping. The default 1 handles one batch per queue at a time, which keeps demos and tests in a
         * fixed order.
         *
         * @throws IllegalArgumentException if {@code pollers} is not from 1 to 20
         */
        public Builder pollersPerEventSource(int pollers) {
            if (pollers < 1 || pollers > 20) {
                throw new IllegalArgumentException("Invalid pollersPerEventSource " + pollers + ": expected 1 to 20");
            }
            this.pollersPerEventSource = pollers;
            return this;
        }

        /** Sets the class loader for handler classes; the default is the thread's context class loader. */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
            return this;
        }

        /**
         * Starts the engines, creates the resources, builds every handler and starts the pollers and the API.
         *
         * @throws IllegalArgumentException if a template value cannot be resolved or a handler cannot be built
         */
        public LocalLambdaStack start() {
            Path file = templateFile != null ? templateFile : RepositoryRoot.template();
            LocalLambdaStack stack = new LocalLambdaStack(SamTemplate.read(file, stackName));
            try {
                stack.start(this);
                return stack;
            } catch (RuntimeException e) {
                stack.close();
                throw e;
            }
        }
    }
}
