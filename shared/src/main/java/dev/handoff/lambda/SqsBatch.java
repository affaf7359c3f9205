package dev.handoff.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.handoff.error.HandoffException;
import dev.handoff.message.Json;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one unit of work per SQS record and applies {@link FailureHandling} to each record that fails, so one
 * bad message never sinks its batch. Needs {@code ReportBatchItemFailures} on the event source mapping. A record
 * reported as failed becomes visible again after the visibility timeout and moves to the dead-letter queue
 * after {@code maxReceiveCount} receives.
 */
public final class SqsBatch {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatch.class);

    private SqsBatch() {
    }

    /** Processes the batch and reports every failed record as a batch item failure, with no other handling. */
    public static <T, R extends Enum<R>> SQSBatchResponse process(SQSEvent event, Class<T> messageType,
            Function<T, R> work, Class<R> outcomeType) {
        return process(event, messageType, work, outcomeType, FailureHandling.reportOnly());
    }

    public static <T, R extends Enum<R>> SQSBatchResponse process(SQSEvent event, Class<T> messageType,
            Function<T, R> work, Class<R> outcomeType, FailureHandling failureHandling) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<R, Integer> outcomes = new EnumMap<>(outcomeType);
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        int parkedRecords = 0;
        // One read per batch: a park or unpark during the batch applies from the next batch.
        boolean parked = !records.isEmpty() && failureHandling.isParked();

        for (SQSEvent.SQSMessage record : records) {
            MDC.put("messageId", record.getMessageId());
            T message = null;
            try {
                if (parked && failureHandling.hold(record)) {
                    parkedRecords++;
                    continue;
                }
                message = Json.read(record.getBody(), messageType);
                outcomes.merge(work.apply(message), 1, Integer::sum);
            } catch (HandoffException e) {
                LOG.warn("Message {} failed ({}, {}): {}", record.getMessageId(), e.failureClass(),
                        e.getClass().getSimpleName(), safeMessage(e));
                if (failureHandling.handle(record, message, e)) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
                }
            } catch (RuntimeException e) {
                LOG.error("Message {} failed with an unexpected {}", record.getMessageId(), e.getClass().getName(), e);
                if (failureHandling.handle(record, message, e)) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
                }
            } finally {
                MDC.remove("messageId");
            }
        }

        LOG.info("Batch of {} processed: outcomes {}, held for a parked tenant {}, failed {}", records.size(), outcomes,
                parkedRecords, failures.size());
        return new SQSBatchResponse(failures);
    }

    /**
     * Returns the message to log. A malformed body's message names only the expected type. Other data errors
     * may quote remote validation text that echoes customer data, so only their fields are logged.
     */
    private static String safeMessage(HandoffException e) {
        if (e instanceof dev.handoff.message.MalformedMessageException) {
            return e.getMessage();
        }
        if (e instanceof dev.handoff.error.DataException data) {
            return "data error on fields " + data.fields() + "; message withheld because it may quote customer data";
        }
        return e.getMessage();
    }
}
