package dev.handoff.local.engines;

import dev.handoff.local.engines.FunctionDefinition.HttpApiEvent;
import dev.handoff.local.engines.FunctionDefinition.SqsEventSource;
import dev.handoff.local.engines.QueueDefinition.Redrive;
import dev.handoff.local.engines.TableDefinition.GlobalSecondaryIndex;
import dev.handoff.local.engines.TableDefinition.KeyElement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of an AWS SAM template that local runs need: queues, tables, functions with their events, and
 * parameters, with resource names computed for one stack name.
 *
 * <p>Only the intrinsics that the Handoff template uses are resolved: {@code !Ref}, {@code !GetAtt} and
 * {@code !Sub} (and their {@code Ref}/{@code Fn::} long forms). Any other intrinsic in a value that must be
 * resolved raises an {@link IllegalArgumentException} naming the value.
 *
 * @see <a href="https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification.html">AWS SAM specification</a>
 */
public final class SamTemplate {


    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");
    private static final int LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
    private static final int LAMBDA_DEFAULT_MEMORY_MB = 128;

    private final String stackName;
    private final Map<String, Parameter> parameters;
    private final Map<String, QueueDefinition> queues;
    private final Map<String, TableDefinition> tables;
    private final Map<String, FunctionDefinition> functions;
    private final List<String> queueOrder;
    private final List<String> tableOrder;
    private final List<String> functionOrder;
    /** Function events the local stack does not run, such as a Schedule, as {@code Function.Events.Name (Type)}. */
    private final List<String> unemulatedEvents = new ArrayList<>();

    /**
     * A template parameter.
     *
     * @param name the parameter's logical name
     * @param type {@code Type}, for example {@code String} or {@code Number}
     * @param defaultValue {@code Default} as text, when declared
     */
    public record Parameter(String name, String type, Optional<String> defaultValue) {
    }

    private SamTemplate(String stackName, Map<String, Object> root) {
        this.stackName = stackName;
        Map<String, Object> resources = map(root.get("Resources"), "Resources");
        Map<String, Object> functionGlobals = map(map(root.get("Globals"), "Globals").get("Function"), "Globals.Function");

        this.parameters = readParameters(map(root.get("Parameters"), "Parameters"));
        Map<String, QueueDefinition> readQueues = new LinkedHashMap<>();
        Map<String, TableDefinition> readTables = new LinkedHashMap<>();
        Map<String, FunctionDefinition> readFunctions = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : resources.entrySet()) {
            String logicalId = entry.getKey();
            Map<String, Object> resource = map(entry.getValue(), logicalId);
            Map<String, Object> properties = map(resource.get("Properties"), logicalId + ".Properties");
            String type = String.valueOf(resource.get("Type"));
            switch (type) {
                case "AWS::SQS::Queue" -> readQueues.put(logicalId, readQueue(logicalId, properties));
                case "AWS::DynamoDB::Table" -> readTables.put(logicalId, readTable(logicalId, properties));
                case "AWS::Serverless::Function" ->
                        readFunctions.put(logicalId, readFunction(logicalId, properties, functionGlobals));
                default -> {
                    // Other resource types (APIs, topics, alarms) need nothing created locally.
                }
            }
        }
        this.queues = Map.copyOf(readQueues);
        this.tables = Map.copyOf(readTables);
        this.functions = Map.copyOf(readFunctions);
        this.queueOrder = List.copyOf(readQueues.keySet());
        this.tableOrder = List.copyOf(readTables.keySet());
        this.functionOrder = List.copyOf(readFunctions.keySet());
    }

    /** Reads {@code templateFile} and names its resources for {@code stackName}. */
    public static SamTemplate read(Path templateFile, String stackName) {
        try {
            return parse(Files.readString(templateFile, StandardCharsets.UTF_8), stackName);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read template " + templateFile, e);
        }
    }

    /** Parses template text and names its resources for {@code stackName}. */
    public static SamTemplate parse(String yaml, String stackName) {
        if (stackName == null || stackName.isBlank()) {
            throw new IllegalArgumentException("stackName must not be blank");
        }
        return new SamTemplate(stackName, CloudFormationYaml.load(yaml));
    }

    /** Returns the stack name used in resource names. */
    public String stackName() {
        return stackName;
    }

    /** Returns the parameters by name. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** Returns the queues in template order. */
    public List<QueueDefinition> queues() {
        return queueOrder.stream().map(queues::get).toList();
    }

    /** Returns the tables in template order. */
    public List<TableDefinition> tables() {
        return tableOrder.stream().map(tables::get).toList();
    }

    /**
     * Returns the function events that are not emulated locally, in template order. Reading the template does
     * not log them, because every ops command reads it. The local stack logs them once when it starts.
     */
    public List<String> unemulatedEvents() {
        return List.copyOf(unemulatedEvents);
    }

    /** Returns the functions in template order. */
    public List<FunctionDefinition> functions() {
        return functionOrder.stream().map(functions::get).toList();
    }

    /** Returns the queue {@code logicalId}, if the template declares one. */
    public Optional<QueueDefinition> queue(String logicalId) {
        return Optional.ofNullable(queues.get(logicalId));
    }

    /** Returns the table {@code logicalId}, if the template declares one. */
    public Optional<TableDefinition> table(String logicalId) {
        return Optional.ofNullable(tables.get(logicalId));
    }

    /**
     * Returns the function {@code logicalId}.
     *
     * @throws IllegalArgumentException if the template declares no such function
     */
    public FunctionDefinition function(String logicalId) {
        FunctionDefinition function = functions.get(logicalId);
        if (function == null) {
            throw new IllegalArgumentException(
                    "Function not found in template: " + logicalId + "; declared: " + functionOrder);
        }
        return function;
    }

    /**
     * Resolves the environment Lambda would give function {@code functionLogicalId}: the globals overlaid by the
     * function's own variables, every value resolved to text.
     *
     * @param parameterValues values for template parameters. A parameter missing here takes its {@code Default}.
     * @param resolver resolves references to queues and other created resources
     * @throws IllegalArgumentException naming the variable if a value cannot be resolved
     */
    public Map<String, String> resolveEnvironment(
            String functionLogicalId, Map<String, String> parameterValues, ResourceResolver resolver) {
        FunctionDefinition function = function(functionLogicalId);
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map.Entry<String, Object> variable : function.environment().entrySet()) {
            String context = "environment variable " + variable.getKey() + " of " + functionLogicalId;
            environment.put(variable.getKey(), resolve(variable.getValue(), context, parameterValues, resolver));
        }
        return environment;
    }

    /**
     * Resolves one template value to text: a literal stays as it is, {@code Ref} of a parameter takes the supplied
     * value or its default, {@code Ref} of a table takes its name, and other references go to {@code resolver}.
     *
     * @param context names the value in error messages, for example {@code environment variable X of F}
     * @throws IllegalArgumentException if the value cannot be resolved
     */
    public String resolve(Object value, String context, Map<String, String> parameterValues, ResourceResolver resolver) {
        Intrinsic intrinsic = asIntrinsic(value);
        if (intrinsic == null) {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                return value.toString();
            }
            throw new IllegalArgumentException("Cannot resolve " + context + ": expected text or an intrinsic, found "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }

        return switch (intrinsic.function()) {
            case "Ref" -> resolveRef(text(intrinsic.argument(), context), context, parameterValues, resolver);
            case "GetAtt" -> resolveGetAtt(intrinsic.argument(), context, resolver);
            case "Sub" -> resolveSub(intrinsic.argument(), context, parameterValues, resolver);
            default -> throw new IllegalArgumentException("Cannot resolve " + context + ": intrinsic !"
                    + intrinsic.function() + " is not supported locally; use !Ref, !GetAtt or !Sub");
        };
    }

    private String resolveRef(String name, String context, Map<String, String> parameterValues, ResourceResolver resolver) {
        if (name.equals("AWS::StackName")) {
            return stackName;
        }
        Parameter parameter = parameters.get(name);
        if (parameter != null) {
            String supplied = parameterValues.get(name);
            if (supplied != null) {
                return supplied;
            }
            return parameter.defaultValue().orElseThrow(() -> new IllegalArgumentException("Cannot resolve " + context
                    + ": parameter " + name + " has no Default and no value was supplied"));
        }
        TableDefinition table = tables.get(name);
        if (table != null) {
            return table.name();
        }
        return resolver.ref(name).orElseThrow(() -> new IllegalArgumentException(
                "Cannot resolve " + context + ": !Ref " + name + " names no parameter, table or known resource"));
    }

    private String resolveGetAtt(Object argument, String context, ResourceResolver resolver) {
        String logicalId;
        String attribute;
        if (argument instanceof List<?> parts && parts.size() == 2) {
            logicalId = String.valueOf(parts.get(0));
            attribute = String.valueOf(parts.get(1));
        } else {
            String text = text(argument, context);
            int dot = text.indexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException("Cannot resolve " + context + ": invalid !GetAtt " + text
                        + ", expected LogicalId.Attribute");
            }
            logicalId = text.substring(0, dot);
            attribute = text.substring(dot + 1);
        }

        TableDefinition table = tables.get(logicalId);
        if (table != null && attribute.equals("Arn")) {
            return "arn:aws:dynamodb:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT_ID + ":table/" + table.name();
        }
        String finalLogicalId = logicalId;
        return resolver.attribute(logicalId, attribute).orElseThrow(() -> new IllegalArgumentException(
                "Cannot resolve " + context + ": !GetAtt " + finalLogicalId + "." + attribute + " is unknown"));
    }

    private String resolveSub(Object argument, String context, Map<String, String> parameterValues, ResourceResolver resolver) {
        String pattern;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> parts && parts.size() == 2) {
            pattern = text(parts.get(0), context);
            variables = map(parts.get(1), context);
        } else {
            pattern = text(argument, context);
        }

        Matcher matcher = SUB_VARIABLE.matcher(pattern);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value;
            if (variables.containsKey(name)) {
                value = resolve(variables.get(name), context, parameterValues, resolver);
            } else if (name.contains(".")) {
                value = resolveGetAtt(name, context, resolver);
            } else {
                value = resolveRef(name, context, parameterValues, resolver);
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** Resolves a value that may only depend on the stack name, such as a queue or table name. */
    private String resolveName(Object value, String context) {
        return resolve(value, context, Map.of(), ResourceResolver.none());
    }

    private Map<String, Parameter> readParameters(Map<String, Object> declared) {
        Map<String, Parameter> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : declared.entrySet()) {
            Map<String, Object> properties = map(entry.getValue(), "Parameters." + entry.getKey());
            Object defaultValue = properties.get("Default");
            result.put(entry.getKey(), new Parameter(entry.getKey(), String.valueOf(properties.get("Type")),
                    Optional.ofNullable(defaultValue).map(Object::toString)));
        }
        return Map.copyOf(result);
    }

    private QueueDefinition readQueue(String logicalId, Map<String, Object> properties) {
        boolean fifo = Boolean.TRUE.equals(properties.get("FifoQueue"));
        String name = properties.containsKey("QueueName")
                ? resolveName(properties.get("QueueName"), "QueueName of " + logicalId)
                : stackName + "-" + logicalId + (fifo ? ".fifo" : "");

        Optional<Redrive> redrive = Optional.empty();
        if (properties.get("RedrivePolicy") != null) {
            Map<String, Object> policy = map(properties.get("RedrivePolicy"), logicalId + ".RedrivePolicy");
            String target = logicalIdOfArn(policy.get("deadLetterTargetArn"), logicalId + ".RedrivePolicy");
            redrive = Optional.of(new Redrive(target, integer(policy.get("maxReceiveCount"), logicalId + ".maxReceiveCount")));
        }

        return new QueueDefinition(logicalId, name, fifo,
                Boolean.TRUE.equals(properties.get("ContentBasedDeduplication")),
                optionalInt(properties.get("VisibilityTimeout"), logicalId + ".VisibilityTimeout"),
                optionalInt(properties.get("MessageRetentionPeriod"), logicalId + ".MessageRetentionPeriod"),
                redrive);
    }

    private TableDefinition readTable(String logicalId, Map<String, Object> properties) {
        String name = properties.containsKey("TableName")
                ? resolveName(properties.get("TableName"), "TableName of " + logicalId)
                : stackName + "-" + logicalId;

        Map<String, String> attributes = new LinkedHashMap<>();
        for (Object definition : list(properties.get("AttributeDefinitions"), logicalId + ".AttributeDefinitions")) {
            Map<String, Object> attribute = map(definition, logicalId + ".AttributeDefinitions[]");
            attributes.put(String.valueOf(attribute.get("AttributeName")), String.valueOf(attribute.get("AttributeType")));
        }

        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (Object declared : list(properties.get("GlobalSecondaryIndexes"), logicalId + ".GlobalSecondaryIndexes")) {
            Map<String, Object> index = map(declared, logicalId + ".GlobalSecondaryIndexes[]");
            Map<String, Object> projection = map(index.get("Projection"), logicalId + ".Projection");
            indexes.add(new GlobalSecondaryIndex(
                    String.valueOf(index.get("IndexName")),
                    keySchema(index.get("KeySchema"), logicalId),
                    String.valueOf(projection.getOrDefault("ProjectionType", "ALL")),
                    list(projection.get("NonKeyAttributes"), logicalId + ".NonKeyAttributes").stream()
                            .map(String::valueOf).toList()));
        }

        Optional<String> ttl = Optional.empty();
        if (properties.get("TimeToLiveSpecification") != null) {
            Map<String, Object> spec = map(properties.get("TimeToLiveSpecification"), logicalId + ".TimeToLiveSpecification");
            if (Boolean.TRUE.equals(spec.get("Enabled"))) {
                ttl = Optional.of(String.valueOf(spec.get("AttributeName")));
            }
        }

        return new TableDefinition(logicalId, name, keySchema(properties.get("KeySchema"), logicalId),
                Collections.unmodifiableMap(attributes), List.copyOf(indexes), ttl,
                String.valueOf(properties.getOrDefault("BillingMode", "PROVISIONED")));
    }

    private FunctionDefinition readFunction(String logicalId, Map<String, Object> properties, Map<String, Object> globals) {
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.putAll(variables(globals, "Globals.Function"));
        environment.putAll(variables(properties, logicalId));

        List<HttpApiEvent> httpApiEvents = new ArrayList<>();
        List<SqsEventSource> sqsEvents = new ArrayList<>();
        for (Map.Entry<String, Object> entry : map(properties.get("Events"), logicalId + ".Events").entrySet()) {
            String context = logicalId + ".Events." + entry.getKey();
            Map<String, Object> event = map(entry.getValue(), context);
            Map<String, Object> eventProperties = map(event.get("Properties"), context + ".Properties");
            String type = String.valueOf(event.get("Type"));
            switch (type) {
                case "HttpApi" -> httpApiEvents.add(new HttpApiEvent(entry.getKey(),
                        String.valueOf(eventProperties.getOrDefault("Path", "/")),
                        String.valueOf(eventProperties.getOrDefault("Method", "ANY")).toUpperCase(Locale.ROOT),
                        String.valueOf(eventProperties.getOrDefault("PayloadFormatVersion", "2.0"))));
                case "SQS" -> sqsEvents.add(new SqsEventSource(entry.getKey(),
                        logicalIdOfArn(eventProperties.get("Queue"), context + ".Queue"),
                        optionalInt(eventProperties.get("BatchSize"), context + ".BatchSize").orElse(10),
                        list(eventProperties.get("FunctionResponseTypes"), context + ".FunctionResponseTypes").stream()
                                .map(String::valueOf).toList()));
                default -> unemulatedEvents.add(context + " (" + type + ")");
            }
        }

        return new FunctionDefinition(logicalId,
                String.valueOf(firstPresent(properties, globals, "CodeUri", "")),
                String.valueOf(firstPresent(properties, globals, "Handler", "")),
                integer(firstPresent(properties, globals, "Timeout", LAMBDA_DEFAULT_TIMEOUT_SECONDS), logicalId + ".Timeout"),
                integer(firstPresent(properties, globals, "MemorySize", LAMBDA_DEFAULT_MEMORY_MB), logicalId + ".MemorySize"),
                Collections.unmodifiableMap(environment),
                List.copyOf(httpApiEvents), List.copyOf(sqsEvents));
    }

    private static Map<String, Object> variables(Map<String, Object> properties, String context) {
        Map<String, Object> environment = map(properties.get("Environment"), context + ".Environment");
        return map(environment.get("Variables"), context + ".Environment.Variables");
    }

    private static Object firstPresent(Map<String, Object> own, Map<String, Object> globals, String key, Object fallback) {
        if (own.get(key) != null) {
            return own.get(key);
        }
        return globals.get(key) != null ? globals.get(key) : fallback;
    }

    private static List<KeyElement> keySchema(Object value, String context) {
        List<KeyElement> keys = new ArrayList<>();
        for (Object element : list(value, context + ".KeySchema")) {
            Map<String, Object> key = map(element, context + ".KeySchema[]");
            keys.add(new KeyElement(String.valueOf(key.get("AttributeName")), String.valueOf(key.get("KeyType"))));
        }
        return List.copyOf(keys);
    }

    /** Returns the logical id in {@code !GetAtt X.Arn}, {@code !Ref X} or their long forms. */
    private static String logicalIdOfArn(Object value, String context) {
        Intrinsic intrinsic = asIntrinsic(value);
        if (intrinsic != null && intrinsic.function().equals("GetAtt")) {
            if (intrinsic.argument() instanceof List<?> parts && !parts.isEmpty()) {
                return String.valueOf(parts.get(0));
            }
            String text = String.valueOf(intrinsic.argument());
            return text.contains(".") ? text.substring(0, text.indexOf('.')) : text;
        }
        if (intrinsic != null && intrinsic.function().equals("Ref")) {
            return String.valueOf(intrinsic.argument());
        }
        throw new IllegalArgumentException("Invalid " + context + ": expected !GetAtt LogicalId.Arn, found " + value
                + "; queues outside the template are not supported locally");
    }

    /** Returns {@code value} as an intrinsic if it is a short tag or a one-key long form such as {@code Fn::Sub}. */
    private static Intrinsic asIntrinsic(Object value) {
        if (value instanceof Intrinsic intrinsic) {
            return intrinsic;
        }
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            Map.Entry<?, ?> entry = map.entrySet().iterator().next();
            String key = String.valueOf(entry.getKey());
            if (key.equals("Ref")) {
                return new Intrinsic("Ref", entry.getValue());
            }
            if (key.startsWith("Fn::")) {
                return new Intrinsic(key.substring("Fn::".length()), entry.getValue());
            }
        }
        return null;
    }

    private static String text(Object value, String context) {
        if (value instanceof String text) {
            return text;
        }
        throw new IllegalArgumentException("Invalid " + context + ": expected text, found "
                + (value == null ? "null" : value.getClass().getSimpleName()));
    }

    private static OptionalInt optionalInt(Object value, String context) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(integer(value, context));
    }

    private static int integer(Object value, String context) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid " + context + ": expected an integer, found " + value, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String context) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException("Invalid " + context + ": expected a mapping, found " + value.getClass().getSimpleName());
    }

    private static List<Object> list(Object value, String context) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        throw new IllegalArgumentException("Invalid " + context + ": expected a list, found " + value.getClass().getSimpleName());
    }
}
