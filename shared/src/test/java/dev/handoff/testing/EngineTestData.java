package dev.handoff.testing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.handoff.message.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Test data chores on the local engines: emptying the ledger table, draining a queue, building SQS batches. */
public final class EngineTestData {

    private EngineTestData() {
    }

    /**
     * Waits until a table is ACTIVE, because dynalite reports a new table as CREATING for a moment and rejects
     * requests on it until then.
     */
    public static void awaitTable(DynamoDbClient dynamoDb, String tableName) {
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(dynamoDb)
                .overrideConfiguration(configuration -> configuration
                        .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(20))).maxAttempts(250))
                .build()) {
            waiter.waitUntilTableExists(request -> request.tableName(tableName));
        }
    }

    /** Deletes every item of a table, for test classes whose tests share one ledger table. */
    public static void deleteAllItems(DynamoDbClient dynamoDb, String tableName) {
        dynamoDb.scanPaginator(request -> request.tableName(tableName)).items().forEach(item ->
                dynamoDb.deleteItem(request -> request.tableName(tableName)
                        .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))));
    }

    /** Receives and deletes every message on a queue, with its message attributes. */
    public static List<Message> receiveAndDeleteAll(SqsClient sqs, String queueUrl) {
        List<Message> received = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(0).messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                return received;
            }
            for (Message message : batch) {
                received.add(message);
                sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /**
     * Receives and deletes every message on a queue whose body contains {@code marker}, so tests that share the
     * queue leave each other's messages alone. Other messages become visible again at once.
     */
    public static <T> List<T> receiveAndDeleteMatching(SqsClient sqs, String queueUrl, String marker, Class<T> type) {
        List<T> bodies = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(0).visibilityTimeout(0)).messages();
            List<Message> matching = messages.stream().filter(message -> message.body().contains(marker)).toList();
            if (matching.isEmpty()) {
                return bodies;
            }
            for (Message message : matching) {
                bodies.add(Json.read(message.body(), type));
                sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /**
     * Returns a batch of two records: a copy of the sample's first record with {@code body} and
     * {@code messageId}, then the sample's records.
     */
    public static SQSEvent batchWithRecordFirst(Supplier<SQSEvent> sample, String messageId, String body) {
        SQSEvent.SQSMessage first = sample.get().getRecords().get(0);
        first.setMessageId(messageId);
        first.setBody(body);
        SQSEvent event = sample.get();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        records.add(first);
        records.addAll(event.getRecords());
        event.setRecords(records);
        return event;
    }
}
