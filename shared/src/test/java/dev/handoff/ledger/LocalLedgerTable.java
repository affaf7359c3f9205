package dev.handoff.ledger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Runs dynalite on 127.0.0.1 for the ledger tests and creates ledger tables shaped like {@code LedgerTable} in
 * template.yaml. The TTL setting is left out because dynalite has no UpdateTimeToLive.
 *
 * <p>The dynalite launcher is {@code $DYNALITE_CLI}, or {@code tools/node_modules/dynalite/cli.js} in the
 * repository when that variable is unset.
 */
// TODO: create the table from template.yaml through the shared local-engines launcher once it exists; this
// copy of the table definition can drift from the template.
final class LocalLedgerTable implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final DynamoDbClient client;
    private final AtomicInteger tableCount = new AtomicInteger();

    private LocalLedgerTable(Process process, DynamoDbClient client) {
        this.process = process;
        this.client = client;
    }

    static LocalLedgerTable start() throws IOException, InterruptedException {
        Path cli = dynaliteCli();
        int port = freePort();
        Process process = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.AF_SOUTH_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(10)))
                .build();
        LocalLedgerTable table = new LocalLedgerTable(process, client);
        try {
            table.awaitReady();
        } catch (RuntimeException | InterruptedException e) {
            table.close();
            throw e;
        }
        return table;
    }

    DynamoDbClient client() {
        return client;
    }

    /** Creates a new, empty ledger table and returns its name, so each test starts from nothing. */
    String createTable() {
        String name = "ledger-" + tableCount.incrementAndGet();
        client.createTable(CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        stringAttribute("pk"), stringAttribute("sk"), stringAttribute("gsi1pk"), stringAttribute("gsi1sk"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName("gsi1")
                        .keySchema(key("gsi1pk", KeyType.HASH), key("gsi1sk", KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                        .build())
                .build());
        client.waiter().waitUntilTableExists(request -> request.tableName(name));
        return name;
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private void awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dynalite exited with status " + process.exitValue() + " during startup");
            }
            try {
                client.listTables();
                return;
            } catch (SdkClientException notListening) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("dynalite did not accept connections within " + STARTUP_TIMEOUT,
                            notListening);
                }
                Thread.sleep(100);
            }
        }
    }

    private static Path dynaliteCli() {
        String configured = System.getenv("DYNALITE_CLI");
        Path cli = configured != null ? Path.of(configured)
                : Path.of("..", "tools", "node_modules", "dynalite", "cli.js").toAbsolutePath().normalize();
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException("dynalite launcher not found at " + cli
                    + "; install dynalite 4.0.0 with npm and set DYNALITE_CLI to its cli.js");
        }
        return cli;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
