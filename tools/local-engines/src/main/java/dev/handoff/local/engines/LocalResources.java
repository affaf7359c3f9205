package dev.handoff.local.engines;

import dev.handoff.local.engines.TableDefinition.GlobalSecondaryIndex;
import dev.handoff.local.engines.TableDefinition.KeyElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * Creates a template's tables and queues in the local engines. Creating them again is harmless: existing
 * tables and queues are kept as they are.
 *
 * <p>Time to live is not enabled on tables because dynalite does not implement {@code UpdateTimeToLive}, so
 * items never expire locally.
 */
public final class LocalResources {

    private static final Logger LOG = LoggerFactory.getLogger(LocalResources.class);

    /** Capacity given to tables and indexes with {@code PROVISIONED} billing, in place of any declared throughput. */
    private static final ProvisionedThroughput LOCAL_THROUGHPUT =
            ProvisionedThroughput.builder().readCapacityUnits(5L).writeCapacityUnits(5L).build();

    private LocalResources() {
    }

    /**
     * Creates every table and queue in {@code template}, under the template's stack name, dead-letter queues
     * before the queues that redrive to them.
     *
     * @throws IllegalArgumentException if a redrive policy names a queue the template does not declare
     */
    public static ProvisionedResources create(SamTemplate template, DynamoDbClient dynamoDb, SqsClient sqs) {
        Map<String, String> tableNames = new LinkedHashMap<>();
        for (TableDefinition table : template.tables()) {
            createTable(table, dynamoDb);
            tableNames.put(table.logicalId(), table.name());
        }
        for (TableDefinition table : template.tables()) {
            awaitActive(table.name(), dynamoDb);
        }

        Map<String, String> urls = new LinkedHashMap<>();
        Map<String, String> arns = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (QueueDefinition queue : inCreationOrder(template.queues())) {
            String url = createQueue(queue, arns, sqs);
            String arn = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            urls.put(queue.logicalId(), url);
            arns.put(queue.logicalId(), arn);
            names.put(queue.logicalId(), queue.name());
        }

        LOG.info("Created {} tables and {} queues for stack {}", tableNames.size(), urls.size(), template.stackName());
        return new ProvisionedResources(template.stackName(), urls, arns, names, tableNames);
    }

    /** Orders queues so that every dead-letter queue comes before the queues that redrive to it. */
    private static List<QueueDefinition> inCreationOrder(List<QueueDefinition> queues) {
        Map<String, QueueDefinition> byId = new LinkedHashMap<>();
        queues.forEach(queue -> byId.put(queue.logicalId(), queue));

        List<QueueDefinition> ordered = new ArrayList<>();
        Map<String, Boolean> placed = new HashMap<>();
        for (QueueDefinition queue : queues) {
            place(queue, byId, placed, ordered);
        }
        return ordered;
    }

    private static void place(QueueDefinition queue, Map<String, QueueDefinition> byId,
            Map<String, Boolean> placed, List<QueueDefinition> ordered) {
        Boolean state = placed.get(queue.logicalId());
        if (Boolean.TRUE.equals(state)) {
            return;
        }
        if (Boolean.FALSE.equals(state)) {
            throw new IllegalArgumentException("Invalid redrive policies: queue " + queue.logicalId() + " is in a cycle");
        }
        placed.put(queue.logicalId(), false);
        if (queue.redrive().isPresent()) {
            String target = queue.redrive().get().deadLetterQueueLogicalId();
            QueueDefinition deadLetterQueue = byId.get(target);
            if (deadLetterQueue == null) {
                throw new IllegalArgumentException("Invalid redrive policy of " + queue.logicalId()
                        + ": dead-letter queue " + target + " is not declared in the template");
            }
            place(deadLetterQueue, byId, placed, ordered);
        }
        placed.put(queue.logicalId(), true);
        ordered.add(queue);
    }

    private static String createQueue(QueueDefinition queue, Map<String, String> createdArns, SqsClient sqs) {
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        queue.visibilityTimeoutSeconds().ifPresent(seconds ->
                attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(seconds)));
        queue.messageRetentionPeriodSeconds().ifPresent(seconds ->
                attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, Integer.toString(seconds)));
        if (queue.fifo()) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        if (queue.contentBasedDeduplication()) {
            attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true");
        }
        queue.redrive().ifPresent(redrive -> attributes.put(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + createdArns.get(redrive.deadLetterQueueLogicalId())
                        + "\",\"maxReceiveCount\":\"" + redrive.maxReceiveCount() + "\"}"));

        try {
            return sqs.createQueue(request -> request.queueName(queue.name()).attributes(attributes)).queueUrl();
        } catch (QueueNameExistsException e) {
            LOG.debug("Queue {} exists with other attributes; keeping it", queue.name());
            return sqs.getQueueUrl(request -> request.queueName(queue.name())).queueUrl();
        }
    }

    /**
     * Waits until the table is ACTIVE. dynalite reports a new table as CREATING for a moment even with
     * --createTableMs 0 and rejects item requests until then. The SDK waiter's 20 s first delay would be far
     * longer.
     */
    private static void awaitActive(String tableName, DynamoDbClient dynamoDb) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (dynamoDb.describeTable(request -> request.tableName(tableName)).table().tableStatus()
                != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Table " + tableName + " did not become ACTIVE within 10 s in dynalite");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for table " + tableName, e);
            }
        }
    }

    private static void createTable(TableDefinition table, DynamoDbClient dynamoDb) {
        boolean onDemand = "PAY_PER_REQUEST".equals(table.billingMode());
        List<software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (GlobalSecondaryIndex index : table.globalSecondaryIndexes()) {
            software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex.Builder builder =
                    software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex.builder()
                            .indexName(index.indexName())
                            .keySchema(keySchema(index.keySchema()))
                            .projection(Projection.builder()
                                    .projectionType(index.projectionType())
                                    .nonKeyAttributes(index.nonKeyAttributes().isEmpty() ? null : index.nonKeyAttributes())
                                    .build());
            if (!onDemand) {
                builder.provisionedThroughput(LOCAL_THROUGHPUT);
            }
            indexes.add(builder.build());
        }

        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(table.name())
                .keySchema(keySchema(table.keySchema()))
                .attributeDefinitions(table.attributeDefinitions().entrySet().stream()
                        .map(entry -> AttributeDefinition.builder()
                                .attributeName(entry.getKey())
                                .attributeType(entry.getValue())
                                .build())
                        .toList());
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        if (onDemand) {
            request.billingMode(BillingMode.PAY_PER_REQUEST);
        } else {
            request.provisionedThroughput(LOCAL_THROUGHPUT);
        }

        try {
            dynamoDb.createTable(request.build());
        } catch (ResourceInUseException e) {
            LOG.debug("Table {} exists; keeping it", table.name());
        }
    }

    private static List<KeySchemaElement> keySchema(List<KeyElement> keys) {
        return keys.stream()
                .map(key -> KeySchemaElement.builder().attributeName(key.attributeName()).keyType(key.keyType()).build())
                .toList();
    }
}
