package dev.handoff.local.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Test handler for an SQS event with ReportBatchItemFailures: records every message it receives and reports
 * those whose body starts with {@code fail} as batch item failures.
 */
public class RecordingSqsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** Every record received by any instance, in order. */
    static final ConcurrentLinkedQueue<SQSEvent.SQSMessage> RECEIVED = new ConcurrentLinkedQueue<>();

    public RecordingSqsHandler(Map<String, String> environment) {
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            RECEIVED.add(message);
            if (message.getBody().startsWith("fail")) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }
}
