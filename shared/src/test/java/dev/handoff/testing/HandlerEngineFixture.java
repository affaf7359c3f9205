package dev.handoff.testing;

import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.ProvisionedResources;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The ledger table and queues of a function handler test on the local engines (dynalite and ElasticMQ). Build it
 * from the clients that {@code LocalEnginesExtension} passes to the test class constructor.
 */
public final class HandlerEngineFixture {

    private static final String LEDGER_TABLE = "LedgerTable";

    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final ProvisionedResources resources;
    private final Ledger ledger;

    public HandlerEngineFixture(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.resources = resources;
        this.ledger = new Ledger(dynamoDb, tableName());
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public Ledger ledger() {
        return ledger;
    }

    /** Returns the physical name of the ledger table. */
    public String tableName() {
        return resources.tableName(LEDGER_TABLE);
    }

    /** Returns the URL of a queue by its logical id in template.yaml, e.g. {@code DealWonQueue}. */
    public String queueUrl(String queue) {
        return resources.queueUrl(queue);
    }

    /** Deletes every ledger item, for test classes whose tests share one table. */
    public void emptyLedger() {
        EngineTestData.deleteAllItems(dynamoDb, tableName());
    }

    /** Deletes every message on a queue, for test classes whose tests share one queue. */
    public void purgeQueue(String queue) {
        sqs.purgeQueue(request -> request.queueUrl(queueUrl(queue)));
    }

    /** Receives and deletes every message on a queue, with its message attributes. */
    public List<Message> receiveAll(String queue) {
        return EngineTestData.receiveAndDeleteAll(sqs, queueUrl(queue));
    }
}
