package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.AwsClients;
import dev.handoff.local.engines.LocalResources;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.local.engines.SamTemplate;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the template's tables and queues on LocalStack instead of dynalite and ElasticMQ. Runs only where a
 * Docker engine is available. Elsewhere JUnit reports the class as skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackTemplateTest {

    private static final DockerImageName LOCALSTACK_IMAGE = DockerImageName.parse("localstack/localstack:3.8");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Container
    private static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(LOCALSTACK_IMAGE).withServices(Service.SQS, Service.DYNAMODB);

    private static DynamoDbClient dynamoDb;
    private static SqsClient sqs;
    private static ProvisionedResources resources;

    @BeforeAll
    static void createTemplateResources() {
        URI endpoint = LOCALSTACK.getEndpoint();
        dynamoDb = AwsClients.dynamoDb(endpoint);
        sqs = AwsClients.sqs(endpoint);
        SamTemplate template = SamTemplate.read(RepositoryRoot.template(), "handoff-localstack");
        resources = LocalResources.create(template, dynamoDb, sqs);
    }

    @AfterAll
    static void closeClients() {
        if (sqs != null) {
            sqs.close();
        }
        if (dynamoDb != null) {
            dynamoDb.close();
        }
    }

    @Test
    void ledgerRoundTripsOpenedHandoff() {
        Ledger ledger = new Ledger(dynamoDb, resources.tableName("LedgerTable"));
        HandoffKey key = HandoffKey.hubspot(LocalSettings.PORTAL_ID, "48000000301");
        Instant openedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        ledger.openHandoff(key, LocalSettings.TENANT_ID, "9999999:3000000301", openedAt);
        Handoff stored = ledger.find(key).orElseThrow();

        assertThat(stored.state()).isEqualTo(HandoffState.RECEIVED);
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.tenantId()).isEqualTo(LocalSettings.TENANT_ID);
        assertThat(stored.firstEventId()).isEqualTo("9999999:3000000301");
        assertThat(stored.createdAt()).isEqualTo(openedAt);
        assertThat(ledger.listByState(HandoffState.RECEIVED)).extracting(Handoff::key).contains(key);
    }

    @Test
    void dealWonQueueRedrivesToItsDlq() throws Exception {
        String redrivePolicy = sqs.getQueueAttributes(request -> request
                        .queueUrl(resources.queueUrl("DealWonQueue"))
                        .attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().get(QueueAttributeName.REDRIVE_POLICY);
        JsonNode policy = JSON.readTree(redrivePolicy);

        assertThat(policy.path("deadLetterTargetArn").asText())
                .isEqualTo(resources.queueArns().get("DealWonDeadLetterQueue"));
        assertThat(policy.path("maxReceiveCount").asInt()).isEqualTo(5);
    }
}
