package dev.handoff.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.handoff.domain.HandoffKey;
import dev.handoff.error.DataException;
import dev.handoff.error.FailureClass;
import dev.handoff.error.FailureClassifier;
import dev.handoff.error.HandoffException;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.ledger.MessageFailure;
import dev.handoff.ledger.OperationsLog;
import dev.handoff.ledger.StaleHandoffException;
import dev.handoff.message.HandoffMessage;
import dev.handoff.message.MalformedMessageException;
import dev.handoff.observability.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The failure policy of every SQS consumer, applied by {@link SqsBatch} to each record that failed.
 *
 * <ul>
 *   <li>Throttled: sent again after the requested delay plus jitter with the same attempt number, so throttling never
 *       reaches a dead-letter queue.</li>
 *   <li>Retryable: sent again with a growing delay plus jitter and the next attempt number, until
 *       {@link RetryPolicy#maxAttempts()}. Then the reason goes to the ledger and the record is reported as
 *       failed, so the queue's redrive policy moves it to the dead-letter queue.</li>
 *   <li>Data: never retried. The handoff becomes FAILED with the fields and the fix, the reason goes to the
 *       ledger, and the record is acknowledged. A body that cannot be read names no handoff, so it is reported
 *       as failed and reaches the dead-letter queue, with its reason in the ledger.</li>
 *   <li>Configuration: the tenant is parked in the ledger, a ConfigurationFailures metric raises the alarm, and
 *       the record is sent again after the parked delay without counting an attempt. Until an operator
 *       unparks the tenant, its records are held the same way without being handled.</li>
 * </ul>
 *
 * <p>Sending again means a new message with DelaySeconds and the attempt in message attribute
 * {@value #ATTEMPT_ATTRIBUTE}; the original is then acknowledged. When that send fails, the record is reported
 * as failed instead, so it is never lost.
 */
public class FailureHandling {

    /** Message attribute carrying the attempt number of a message sent again, absent on the first attempt. */
    public static final String ATTEMPT_ATTRIBUTE = "handoffAttempt";

    private static final Logger LOG = LoggerFactory.getLogger(FailureHandling.class);

    private final SqsClient sqs;
    private final String retryQueueUrl;
    private final RetryPolicy policy;
    private final Ledger ledger;
    private final OperationsLog operations;
    private final String parkScope;
    private final Metrics metrics;
    private final Clock clock;

    /**
     * @param retryQueueUrl the queue the function consumes, where messages are sent again
     * @param parkScope the scope a configuration error parks, for example {@code tenant:<xeroTenantId>}
     */
    public FailureHandling(SqsClient sqs, String retryQueueUrl, RetryPolicy policy, Ledger ledger, String parkScope,
            Metrics metrics, Clock clock) {
        this.sqs = sqs;
        this.retryQueueUrl = retryQueueUrl;
        this.policy = policy;
        this.ledger = ledger;
        this.operations = ledger == null ? null : new OperationsLog(ledger);
        this.parkScope = parkScope;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Reports every failed record as a batch item failure and nothing else, as Lambda's redrive alone does. */
    public static FailureHandling reportOnly() {
        return new FailureHandling(null, null, new RetryPolicy(1, Duration.ZERO, Duration.ZERO), null, null,
                null, Clock.systemUTC());
    }

    /** Returns whether the scope is parked, with one consistent read. A failed read counts as not parked. */
    boolean isParked() {
        if (operations == null || parkScope == null) {
            return false;
        }
        try {
            return operations.findPark(parkScope).isPresent();
        } catch (SdkException e) {
            LOG.warn("Reading the park of {} failed ({}); handling the batch as usual", parkScope,
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * Sends the record of a parked scope again after the parked delay, and returns whether it did. When the send
     * fails, the caller handles the record as usual instead of dropping it.
     */
    boolean hold(SQSEvent.SQSMessage record) {
        return sendAgain(record, attemptOf(record), policy.parkedDelay());
    }

    /**
     * Applies the policy to a failed record and returns whether SqsBatch must report it as a batch item failure.
     *
     * @param message the parsed message, or null when the body could not be read
     */
    boolean handle(SQSEvent.SQSMessage record, Object message, Throwable failure) {
        try {
            return applyPolicy(record, message, failure);
        } catch (RuntimeException e) {
            // For example a handoff key that does not parse: the queue's redrive is the safe fallback.
            LOG.error("Applying the failure policy to message {} failed ({}); reporting the message as failed",
                    record.getMessageId(), e.getClass().getName());
            return true;
        }
    }

    private boolean applyPolicy(SQSEvent.SQSMessage record, Object message, Throwable failure) {
        if (sqs == null && ledger == null) {
            // reportOnly(): nothing to send again and no ledger to record in, so the queue's redrive decides.
            return true;
        }
        int attempt = attemptOf(record);
        String handoffKey = message instanceof HandoffMessage keyed ? keyed.handoffKey() : null;

        if (failure instanceof ThrottledException throttled) {
            count("ThrottledDelays");
            Duration delay = RetryPolicy.withJitter(throttled.delay());
            LOG.info("Message {} throttled; sending it again in {} s without counting an attempt",
                    record.getMessageId(), delay.toSeconds());
            return !sendAgain(record, attempt, delay);
        }

        FailureClass failureClass = FailureClassifier.classify(failure);
        String reason = reasonOf(failure);
        switch (failureClass) {
            case DATA -> {
                count("DataFailures");
                recordFailure(record, failureClass, reason, handoffKey, attempt);
                if (failure instanceof MalformedMessageException || handoffKey == null) {
                    LOG.warn("Message {} is unreadable or names no handoff ({}); it will reach the dead-letter queue",
                            record.getMessageId(), reason);
                    return true;
                }
                markFailed(HandoffKey.parse(handoffKey), reason, failure);
                LOG.warn("Message {} hit a data error on handoff {} ({}); the handoff is FAILED and the message acknowledged",
                        record.getMessageId(), handoffKey, reason);
                return false;
            }
            case CONFIGURATION -> {
                count("ConfigurationFailures");
                park(reason);
                recordFailure(record, failureClass, reason, handoffKey, attempt);
                LOG.error("ALERT: configuration or authorisation error on message {} ({}); {} is parked until an operator runs"
                        + " ./handoff ops unpark", record.getMessageId(), reason, parkScope);
                return !sendAgain(record, attempt, policy.parkedDelay());
            }
            default -> {
                count("RetryableFailures");
                if (policy.mayRetry(attempt) && sendAgain(record, attempt + 1, retryDelay(failure, attempt))) {
                    LOG.info("Message {} failed at attempt {} of {} ({}); sent again", record.getMessageId(), attempt,
                            policy.maxAttempts(), reason);
                    appendEvent(handoffKey, "retry", "RETRY_SCHEDULED", "attempt " + attempt + " failed: " + reason);
                    return false;
                }
                if (retryQueueUrl != null) {
                    count("RetriesExhausted");
                    recordFailure(record, failureClass, "retries exhausted after attempt " + attempt + ": " + reason,
                            handoffKey, attempt);
                    if (receiveCountOf(record) <= 1) {
                        // Later receives of the same message would only repeat this timeline line.
                        appendEvent(handoffKey, "retry", "RETRIES_EXHAUSTED", "leaving for the dead-letter queue: " + reason);
                    }
                }
                LOG.warn("Message {} failed at attempt {} ({}); left for the queue's redrive policy", record.getMessageId(),
                        attempt, reason);
                return true;
            }
        }
    }

    private Duration retryDelay(Throwable failure, int attempt) {
        Duration delay = policy.delayAfter(attempt);
        if (failure instanceof RetryableException retryable) {
            Duration requested = retryable.retryAfter().orElse(Duration.ZERO);
            if (requested.compareTo(delay) > 0) {
                delay = requested;
            }
        }
        return RetryPolicy.withJitter(delay);
    }

    /** Returns the record's attempt number: 1 unless an earlier failure sent it again. */
    static int attemptOf(SQSEvent.SQSMessage record) {
        Map<String, SQSEvent.MessageAttribute> attributes = record.getMessageAttributes();
        SQSEvent.MessageAttribute attribute = attributes == null ? null : attributes.get(ATTEMPT_ATTRIBUTE);
        if (attribute == null || attribute.getStringValue() == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(attribute.getStringValue().trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Returns SQS's ApproximateReceiveCount of the record, 1 when absent. */
    static int receiveCountOf(SQSEvent.SQSMessage record) {
        String value = record.getAttributes() == null ? null : record.getAttributes().get("ApproximateReceiveCount");
        try {
            return value == null ? 1 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Sends a copy of the record with its string attributes and the attempt number, and returns whether SQS accepted it. */
    private boolean sendAgain(SQSEvent.SQSMessage record, int attempt, Duration delay) {
        if (sqs == null || retryQueueUrl == null) {
            return false;
        }
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        if (record.getMessageAttributes() != null) {
            record.getMessageAttributes().forEach((name, value) -> {
                if (value.getStringValue() != null && !name.equals(ATTEMPT_ATTRIBUTE)) {
                    attributes.put(name, MessageAttributeValue.builder().dataType(value.getDataType())
                            .stringValue(value.getStringValue()).build());
                }
            });
        }
        attributes.put(ATTEMPT_ATTRIBUTE, MessageAttributeValue.builder().dataType("Number")
                .stringValue(Integer.toString(attempt)).build());
        try {
            sqs.sendMessage(request -> request.queueUrl(retryQueueUrl)
                    .messageBody(record.getBody())
                    .delaySeconds((int) RetryPolicy.cap(delay).toSeconds())
                    .messageAttributes(attributes));
            return true;
        } catch (SdkException e) {
            LOG.warn("Sending message {} again failed ({}); reporting it as failed instead", record.getMessageId(),
                    e.getClass().getSimpleName());
            return false;
        }
    }

    private void markFailed(HandoffKey key, String reason, Throwable failure) {
        if (ledger == null) {
            return;
        }
        List<String> fields = failure instanceof DataException data && !data.fields().isEmpty()
                ? data.fields() : List.of("record");
        try {
            Optional<Handoff> found = ledger.find(key);
            if (found.isEmpty()) {
                // No handoff to mark, so the message failure item is what ops lists.
                return;
            }
            Handoff handoff = found.get();
            if (handoff.state().isTerminal() || handoff.state().isException()) {
                appendEvent(key.value(), "failure", "DATA_ERROR", reason);
                return;
            }
            HandoffChange change = HandoffChange.none()
                    .set(Attribute.BLOCKED_REASON, "Data error on " + String.join(", ", fields) + ": " + reason
                            + "; fix the record in the CRM or accounting system, then run ./handoff ops replay")
                    .set(Attribute.BLOCKED_FIELDS, fields)
                    .set(Attribute.RESUME_STATE, handoff.state());
            ledger.transition(handoff, dev.handoff.domain.HandoffState.FAILED, change, Instant.now(clock));
        } catch (StaleHandoffException | SdkException | IllegalStateException e) {
            LOG.warn("Marking handoff {} FAILED did not succeed ({}); the message failure is still in the ledger", key,
                    e.getClass().getSimpleName());
        }
    }

    private void park(String reason) {
        if (operations == null || parkScope == null) {
            return;
        }
        try {
            operations.park(parkScope, reason, Instant.now(clock));
        } catch (SdkException e) {
            LOG.error("Parking {} failed ({})", parkScope, e.getClass().getSimpleName());
        }
    }

    private void recordFailure(SQSEvent.SQSMessage record, FailureClass failureClass, String reason, String handoffKey,
            int attempt) {
        if (operations == null) {
            return;
        }
        try {
            operations.recordMessageFailure(new MessageFailure(record.getMessageId(), queueName(record), failureClass,
                    reason, handoffKey, attempt, Instant.now(clock)));
        } catch (SdkException e) {
            LOG.warn("Recording the failure of message {} failed ({})", record.getMessageId(), e.getClass().getSimpleName());
        }
    }

    private void appendEvent(String handoffKey, String step, String outcome, String detail) {
        if (ledger == null || handoffKey == null) {
            return;
        }
        try {
            ledger.appendEvent(HandoffKey.parse(handoffKey), step, outcome, detail, Instant.now(clock));
        } catch (SdkException | IllegalArgumentException | IllegalStateException e) {
            LOG.warn("Timeline event {} for {} was not written ({})", outcome, handoffKey, e.getClass().getSimpleName());
        }
    }

    private void count(String metric) {
        if (metrics != null) {
            metrics.increment(metric);
        }
    }

    /** Returns the queue name from the record's ARN, {@code arn:aws:sqs:region:account:name}. */
    static String queueName(SQSEvent.SQSMessage record) {
        String arn = record.getEventSourceArn();
        if (arn == null || arn.isBlank()) {
            return "unknown";
        }
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    /**
     * Returns a reason fit for the ledger and logs. Handoff's own messages name APIs, statuses and fields only. A
     * data error is reduced to its fields, because its message may quote customer data. Other exceptions are
     * reduced to their class and AWS error code.
     */
    static String reasonOf(Throwable failure) {
        if (failure instanceof MalformedMessageException) {
            return failure.getMessage();
        }
        if (failure instanceof DataException data) {
            return data.getClass().getSimpleName() + " on fields " + data.fields();
        }
        if (failure instanceof HandoffException) {
            return failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        if (failure instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return failure.getClass().getSimpleName() + " (" + service.awsErrorDetails().errorCode() + ", HTTP "
                    + service.statusCode() + ")";
        }
        return failure.getClass().getName();
    }
}
