package dev.handoff.ledger;

import dev.handoff.local.engines.AwsClients;
import dev.handoff.local.engines.DynaliteServer;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.local.engines.SamTemplate;
import dev.handoff.local.engines.TableDefinition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * Runs dynalite through the local-engines launcher and creates tables shaped like {@code LedgerTable} in
 * template.yaml, each under a fresh name so every test starts from an empty table. The TTL setting is not
 * applied because dynalite has no UpdateTimeToLive.
 */
// TODO: replace the CreateTableRequest conversion below with the local-engines table creation once that
// module provides it, so that template.yaml is read in one place.
final class LocalLedgerTable implements AutoCloseable {

    private static final String LOGICAL_ID = "LedgerTable";

    private final DynaliteServer server;
    private final DynamoDbClient client;
    private final DynamoDbWaiter waiter;
    private final TableDefinition definition;
    private final AtomicInteger tableCount = new AtomicInteger();

    private LocalLedgerTable(DynaliteServer server, DynamoDbClient client, TableDefinition definition) {
        this.server = server;
        this.client = client;
        this.definition = definition;
        // Even with --createTableMs 0, dynalite marks a new table ACTIVE asynchronously after CreateTable
        // returns. A DescribeTable in between returns CREATING, and the SDK's default 20 s delay would stall the test.
        this.waiter = DynamoDbWaiter.builder()
                .client(client)
                .overrideConfiguration(configuration -> configuration
                        .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(20)))
                        .maxAttempts(250))
                .build();
    }

    static LocalLedgerTable start() {
        TableDefinition definition = SamTemplate.read(RepositoryRoot.template(), "handoff-test")
                .table(LOGICAL_ID)
                .orElseThrow(() -> new IllegalStateException("template.yaml declares no " + LOGICAL_ID));
        DynaliteServer server = DynaliteServer.start();
        return new LocalLedgerTable(server, AwsClients.dynamoDb(server.endpoint()), definition);
    }

    DynamoDbClient client() {
        return client;
    }

    /** Creates a new, empty ledger table and returns its name. */
    String createTable() {
        String name = definition.name() + "-" + tableCount.incrementAndGet();
        client.createTable(createTableRequest(name));
        waiter.waitUntilTableExists(request -> request.tableName(name));
        return name;
    }

    @Override
    public void close() {
        waiter.close();
        client.close();
        server.close();
    }

    private CreateTableRequest createTableRequest(String name) {
        List<AttributeDefinition> attributes = definition.attributeDefinitions().entrySet().stream()
                .map(entry -> AttributeDefinition.builder()
                        .attributeName(entry.getKey())
                        .attributeType(entry.getValue())
                        .build())
                .toList();
        List<GlobalSecondaryIndex> indexes = definition.globalSecondaryIndexes().stream()
                .map(index -> GlobalSecondaryIndex.builder()
                        .indexName(index.indexName())
                        .keySchema(keySchema(index.keySchema()))
                        .projection(Projection.builder()
                                .projectionType(index.projectionType())
                                .nonKeyAttributes(index.nonKeyAttributes().isEmpty() ? null : index.nonKeyAttributes())
                                .build())
                        .build())
                .toList();
        return CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.fromValue(definition.billingMode()))
                .attributeDefinitions(attributes)
                .keySchema(keySchema(definition.keySchema()))
                .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes)
                .build();
    }

    private static List<KeySchemaElement> keySchema(List<TableDefinition.KeyElement> elements) {
        return elements.stream()
                .map(element -> KeySchemaElement.builder()
                        .attributeName(element.attributeName())
                        .keyType(element.keyType())
                        .build())
                .toList();
    }
}
