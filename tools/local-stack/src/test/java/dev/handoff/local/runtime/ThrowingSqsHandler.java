package dev.handoff.local.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Test handler for an SQS event without ReportBatchItemFailures: records every message and throws when a body
 * starts with {@code fail}. It has only a no-arg constructor, to exercise the factory's fallback.
 */
public class ThrowingSqsHandler implements RequestHandler<SQSEvent, Void> {

    /** Every record received by any instance, in order. */
    static final ConcurrentLinkedQueue<SQSEvent.SQSMessage> RECEIVED = new ConcurrentLinkedQueue<>();

    @Override
    public Void handleRequest(SQSEvent event, Context context) {
        RECEIVED.addAll(event.getRecords());
        if (event.getRecords().stream().anyMatch(message -> message.getBody().startsWith("fail"))) {
            throw new IllegalStateException("test failure");
        }
        return null;
    }
}
