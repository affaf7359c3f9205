package dev.handoff.local.runtime;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.handoff.local.engines.FunctionDefinition;
import java.time.Duration;

/**
 * A handler instance built for one template function, with its counters. Like a warm Lambda execution
 * environment, the instance is reused for every invocation.
 */
public final class LocalFunction {

    private final FunctionDefinition definition;
    private final RequestHandler<Object, Object> handler;
    private final Class<?> inputType;
    private final FunctionMetrics metrics;

    LocalFunction(FunctionDefinition definition, RequestHandler<Object, Object> handler, Class<?> inputType,
            FunctionMetrics metrics) {
        this.definition = definition;
        this.handler = handler;
        this.inputType = inputType;
        this.metrics = metrics;
    }

    /** Returns the function's logical id, used as its function name. */
    public String name() {
        return definition.logicalId();
    }

    /** Returns the template definition. */
    public FunctionDefinition definition() {
        return definition;
    }

    /** Returns the input type that the handler declares, {@code Object} when it is not visible by reflection. */
    public Class<?> inputType() {
        return inputType;
    }

    /** Returns the function's counters, shared by every instance of the function. */
    public FunctionMetrics metrics() {
        return metrics;
    }

    /**
     * Invokes the handler with a new {@link LocalLambdaContext} and counts the invocation.
     *
     * @param recordCount records in {@code event}, 0 for events that are not batches
     * @throws IllegalArgumentException if the handler does not accept {@code event}'s type
     * @throws RuntimeException whatever the handler throws, after counting it as an error
     */
    public Object invoke(Object event, int recordCount) {
        if (event != null && !inputType.isInstance(event)) {
            throw new IllegalArgumentException("Handler of " + name() + " accepts " + inputType.getName()
                    + ", not " + event.getClass().getName());
        }

        metrics.recordInvocation(recordCount);
        LocalLambdaContext context = new LocalLambdaContext(
                name(), Duration.ofSeconds(definition.timeoutSeconds()), definition.memorySizeMb());
        long started = System.nanoTime();
        try {
            return handler.handleRequest(event, context);
        } catch (RuntimeException | Error e) {
            metrics.recordError();
            throw e;
        } finally {
            metrics.recordDuration(new FunctionMetrics.Invocation(name(), recordCount, started, System.nanoTime()));
        }
    }
}
