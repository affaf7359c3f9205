package dev.handoff.message;

import dev.handoff.error.RetryableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** Sends JSON messages to SQS. Any message not accepted by SQS makes the whole call fail as retryable. */
public class QueuePublisher {

    private static final int MAX_BATCH = 10;

    private final SqsClient sqs;

    public QueuePublisher(SqsClient sqs) {
        this.sqs = sqs;
    }

    /** A message and its string attributes. */
    public record Outgoing(Object body, Map<String, String> attributes) {
    }

    public void send(String queueUrl, Object body, Map<String, String> attributes) {
        sendAll(queueUrl, List.of(new Outgoing(body, attributes)));
    }

    /** Sends in batches of ten; throws if any entry failed, after sending the rest. */
    public void sendAll(String queueUrl, List<Outgoing> messages) {
        for (int start = 0; start < messages.size(); start += MAX_BATCH) {
            List<Outgoing> chunk = messages.subList(start, Math.min(messages.size(), start + MAX_BATCH));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .messageBody(Json.write(chunk.get(i).body()))
                        .messageAttributes(stringAttributes(chunk.get(i).attributes()))
                        .build());
            }
            SendMessageBatchResponse response = call(() -> sqs.sendMessageBatch(request -> request.queueUrl(queueUrl).entries(entries)));
            if (!response.failed().isEmpty()) {
                throw new RetryableException(response.failed().size() + " of " + entries.size()
                        + " messages were not accepted by SQS (first code " + response.failed().get(0).code() + ")", null);
            }
        }
    }

    /** Sends to a FIFO queue; SQS drops a repeat with the same deduplication id within five minutes. */
    public void sendFifo(String queueUrl, Object body, String groupId, String deduplicationId) {
        call(() -> sqs.sendMessage(request -> request.queueUrl(queueUrl)
                .messageBody(Json.write(body))
                .messageGroupId(groupId)
                .messageDeduplicationId(deduplicationId)));
    }

    private static Map<String, MessageAttributeValue> stringAttributes(Map<String, String> attributes) {
        Map<String, MessageAttributeValue> values = new java.util.HashMap<>();
        attributes.forEach((name, value) -> values.put(name,
                MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        return values;
    }

    private static <T> T call(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw new RetryableException("SQS send failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
