package dev.handoff.local.runtime;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.handoff.local.engines.AwsClients;
import dev.handoff.local.engines.FunctionDefinition.SqsEventSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Emulates one Lambda SQS event source mapping: polls a queue on its own thread, passes each batch to the
 * function as an {@link SQSEvent}, and deletes the messages the function handled.
 *
 * <p>Deletion follows Lambda. With {@code ReportBatchItemFailures}, every message is deleted except those named in
 * the returned {@link SQSBatchResponse}. A response naming an unknown or empty message id fails the whole batch,
 * and a null response or null list succeeds it. Without it, the batch is deleted when the handler returns. When
 * the handler throws, nothing is deleted. Undeleted messages become visible again after the queue's visibility
 * timeout, or after {@code retryDelay} when one is set, and SQS moves them to the dead-letter queue after
 * {@code maxReceiveCount} receives.
 *
 * <p>A poller handles one batch at a time. Lambda runs several batches of one queue at once, so a stack that
 * should do the same starts several pollers on the queue, each with its own handler instance.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html">Handling errors for an SQS event source in Lambda</a>
 */
public final class SqsEventSourcePoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsEventSourcePoller.class);

    private static final int MAX_MESSAGES_PER_RECEIVE = 10;
    private static final int WAIT_TIME_SECONDS = 1;
    private static final Duration BACKOFF_AFTER_POLL_FAILURE = Duration.ofSeconds(1);
    private static final int POLL_FAILURES_PER_LOG = 60;

    private final LocalFunction function;
    private final SqsEventSource source;
    private final String queueUrl;
    private final String queueArn;
    private final SqsClient sqs;
    private final Optional<Duration> retryDelay;
    private final int instance;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean running;
    private Thread thread;

    /**
     * Creates a poller that is not yet started.
     *
     * @param retryDelay when present, failed messages become visible again after this delay instead of the queue's
     *     visibility timeout, so local runs need not wait minutes for a retry
     * @param instance this poller's number among the pollers of the same event source, from 0, for thread names
     *     and logs
     * @throws IllegalArgumentException if the handler does not accept {@link SQSEvent}
     */
    public SqsEventSourcePoller(LocalFunction function, SqsEventSource source, String queueUrl, String queueArn,
            SqsClient sqs, Optional<Duration> retryDelay, int instance) {
        if (!function.inputType().isAssignableFrom(SQSEvent.class)) {
            throw new IllegalArgumentException("Handler of " + function.name() + " accepts "
                    + function.inputType().getName() + ", but SQS events pass SQSEvent");
        }
        this.function = function;
        this.source = source;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.sqs = sqs;
        this.retryDelay = retryDelay;
        this.instance = instance;
    }

    /** Returns the logical id of the polled queue. */
    public String queueLogicalId() {
        return source.queueLogicalId();
    }

    /** Returns the function that receives the batches. */
    public LocalFunction function() {
        return function;
    }

    /** Starts polling on a daemon thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("Poller for " + function.name() + " on " + source.queueLogicalId() + " already started");
        }
        running = true;
        thread = new Thread(this::pollUntilStopped, "sqs-poller-" + function.name() + "-" + source.name() + "-" + instance);
        thread.setDaemon(true);
        thread.start();
        LOG.info("Polling {} for {} (batch size {}, poller {})", source.queueLogicalId(), function.name(), source.batchSize(),
                instance);
    }

    /**
     * Stops polling after the current receive and batch finish, waiting at most the function's timeout plus six
     * seconds.
     */
    public synchronized void stop() {
        running = false;
        if (thread == null) {
            return;
        }
        try {
            thread.join(Duration.ofSeconds(function.definition().timeoutSeconds() + WAIT_TIME_SECONDS + 5L).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Poller for {} on {} did not stop in time", function.name(), source.queueLogicalId());
        }
        thread = null;
    }

    @Override
    public void close() {
        stop();
    }

    /** Returns the number of messages received and not yet deleted or released. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Returns whether no batch is being handled. */
    public boolean idle() {
        return inFlight.get() == 0;
    }

    private void pollUntilStopped() {
        int consecutiveFailures = 0;
        while (running) {
            List<Message> messages;
            try {
                messages = receive();
                consecutiveFailures = 0;
            } catch (SdkException e) {
                if (!running) {
                    break;
                }
                if (consecutiveFailures++ % POLL_FAILURES_PER_LOG == 0) {
                    LOG.warn("Receive from {} failed {} times in a row: {}",
                            source.queueLogicalId(), consecutiveFailures, e.getClass().getName());
                }
                sleep(BACKOFF_AFTER_POLL_FAILURE);
                continue;
            }
            if (messages.isEmpty()) {
                continue;
            }

            inFlight.set(messages.size());
            try {
                handleBatch(messages);
            } catch (SdkException e) {
                LOG.warn("Settling a batch from {} failed; its messages return after the visibility timeout: {}",
                        source.queueLogicalId(), e.getClass().getName());
            } finally {
                inFlight.set(0);
            }
        }
    }

    private List<Message> receive() {
        return sqs.receiveMessage(request -> request
                .queueUrl(queueUrl)
                .maxNumberOfMessages(Math.min(source.batchSize(), MAX_MESSAGES_PER_RECEIVE))
                .waitTimeSeconds(WAIT_TIME_SECONDS)
                .messageSystemAttributeNamesWithStrings("All")
                .messageAttributeNames("All")).messages();
    }

    private void handleBatch(List<Message> messages) {
        SQSEvent event = toEvent(messages);
        Object output;
        try {
            output = function.invoke(event, messages.size());
        } catch (Throwable e) {
            // Lambda retries the whole batch when the function throws, so every message stays on the queue.
            LOG.error("Function {} failed on a batch of {} from {}: {}; no message deleted",
                    function.name(), messages.size(), source.queueLogicalId(), e.getClass().getName());
            function.metrics().recordFailedRecords(messages.size());
            release(messages);
            return;
        }

        Set<String> failedIds = failedMessageIds(output, messages);
        List<Message> succeeded = new ArrayList<>();
        List<Message> failed = new ArrayList<>();
        for (Message message : messages) {
            (failedIds.contains(message.messageId()) ? failed : succeeded).add(message);
        }

        delete(succeeded);
        if (!failed.isEmpty()) {
            function.metrics().recordFailedRecords(failed.size());
            LOG.warn("Function {} reported {} of {} messages from {} as failed: {}", function.name(), failed.size(),
                    messages.size(), source.queueLogicalId(), failed.stream().map(Message::messageId).toList());
            release(failed);
        }
        LOG.debug("Function {} handled {} messages from {}", function.name(), messages.size(), source.queueLogicalId());
    }

    /** Returns the ids of messages that stay on the queue, all of them when the response is invalid. */
    private Set<String> failedMessageIds(Object output, List<Message> messages) {
        if (!source.reportsBatchItemFailures() || output == null) {
            return Set.of();
        }
        Set<String> all = new HashSet<>();
        messages.forEach(message -> all.add(message.messageId()));
        if (!(output instanceof SQSBatchResponse response)) {
            LOG.error("Function {} returned {} with ReportBatchItemFailures; expected SQSBatchResponse, so the batch failed",
                    function.name(), output.getClass().getName());
            return all;
        }
        if (response.getBatchItemFailures() == null) {
            return Set.of();
        }

        Set<String> failed = new HashSet<>();
        for (SQSBatchResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            String id = failure == null ? null : failure.getItemIdentifier();
            if (id == null || id.isEmpty() || !all.contains(id)) {
                LOG.error("Function {} reported batch item failure {}, which is not a message id of the batch, so the batch failed",
                        function.name(), id);
                return all;
            }
            failed.add(id);
        }
        return failed;
    }

    private void delete(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(messages.get(i).receiptHandle())
                    .build());
        }
        DeleteMessageBatchResponse response = sqs.deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
        if (response.hasFailed() && !response.failed().isEmpty()) {
            LOG.warn("Deleting {} of {} messages from {} failed: {}", response.failed().size(), messages.size(),
                    source.queueLogicalId(), response.failed().stream().map(entry -> entry.code()).toList());
        }
    }

    /** Makes failed messages visible again after {@code retryDelay}, if one is set. */
    private void release(List<Message> messages) {
        if (retryDelay.isEmpty()) {
            return;
        }
        int seconds = (int) retryDelay.get().toSeconds();
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(messages.get(i).receiptHandle())
                    .visibilityTimeout(seconds)
                    .build());
        }
        sqs.changeMessageVisibilityBatch(request -> request.queueUrl(queueUrl).entries(entries));
    }

    private SQSEvent toEvent(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion(AwsClients.REGION);
            record.setAttributes(new LinkedHashMap<>(message.attributesAsStrings()));
            record.setMessageAttributes(messageAttributes(message.messageAttributes()));
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static Map<String, SQSEvent.MessageAttribute> messageAttributes(Map<String, MessageAttributeValue> values) {
        Map<String, SQSEvent.MessageAttribute> attributes = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
            attribute.setDataType(value.dataType());
            attribute.setStringValue(value.stringValue());
            attribute.setBinaryValue(value.binaryValue() == null ? null : value.binaryValue().asByteBuffer());
            attribute.setStringListValues(new ArrayList<>(value.stringListValues()));
            attribute.setBinaryListValues(value.binaryListValues().stream().map(SdkBytes::asByteBuffer).toList());
            attributes.put(name, attribute);
        });
        return attributes;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
