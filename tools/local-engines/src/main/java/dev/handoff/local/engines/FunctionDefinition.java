package dev.handoff.local.engines;

import java.util.List;
import java.util.Map;

/**
 * An {@code AWS::Serverless::Function} from the template, with {@code Globals.Function} applied.
 *
 * @param logicalId the resource's logical id, for example {@code CustomerUpsertFunction}
 * @param codeUri {@code CodeUri}, a directory relative to the template
 * @param handler {@code Handler}, for Java {@code fully.qualified.Class::method}
 * @param timeoutSeconds {@code Timeout}, 3 (Lambda's default) when neither the function nor the globals set it
 * @param memorySizeMb {@code MemorySize}, 128 (Lambda's default) when neither the function nor the globals set it
 * @param environment environment variables before resolution: the globals overlaid by the function's own, with
 *     values as String, Number, Boolean or {@link Intrinsic}
 * @param httpApiEvents the function's {@code HttpApi} events
 * @param sqsEvents the function's {@code SQS} events
 */
public record FunctionDefinition(
        String logicalId,
        String codeUri,
        String handler,
        int timeoutSeconds,
        int memorySizeMb,
        Map<String, Object> environment,
        List<HttpApiEvent> httpApiEvents,
        List<SqsEventSource> sqsEvents) {

    /**
     * An {@code HttpApi} event.
     *
     * @param name the event's key under {@code Events}
     * @param path {@code Path}, for example {@code /webhooks/hubspot}
     * @param method {@code Method} in upper case, {@code ANY} when not declared
     * @param payloadFormatVersion {@code PayloadFormatVersion}, {@code 2.0} when not declared
     */
    public record HttpApiEvent(String name, String path, String method, String payloadFormatVersion) {

        /** Returns the API Gateway route key, for example {@code POST /webhooks/hubspot}. */
        public String routeKey() {
            return method + " " + path;
        }
    }

    /**
     * An {@code SQS} event source mapping.
     *
     * @param name the event's key under {@code Events}
     * @param queueLogicalId logical id of the queue named by {@code Queue}
     * @param batchSize {@code BatchSize}, 10 when not declared
     * @param functionResponseTypes {@code FunctionResponseTypes}, empty when not declared
     */
    public record SqsEventSource(String name, String queueLogicalId, int batchSize, List<String> functionResponseTypes) {

        /** Returns whether the function reports partial batch failures. */
        public boolean reportsBatchItemFailures() {
            return functionResponseTypes.contains("ReportBatchItemFailures");
        }
    }
}
