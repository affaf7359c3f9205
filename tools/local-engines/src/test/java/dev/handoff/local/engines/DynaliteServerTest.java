package dev.handoff.local.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class DynaliteServerTest {

    @Test
    void startsAndAnswersListTables() {
        try (DynaliteServer server = DynaliteServer.start();
                DynamoDbClient dynamoDb = AwsClients.dynamoDb(server.endpoint())) {
            assertThat(server.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(dynamoDb.listTables().tableNames()).isEmpty();
        }
    }

    @Test
    void closeStopsProcess() {
        DynaliteServer server = DynaliteServer.start();
        int port = server.port();

        server.close();

        assertThat(FreePorts.accepts(port, Duration.ofMillis(200))).isFalse();
    }

    @Test
    void missingInstallNamesNpmCommand(@TempDir Path emptyRoot) {
        assertThatThrownBy(() -> DynaliteServer.start(emptyRoot, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("run `cd tools && npm ci --ignore-scripts`");
    }
}
