package dev.handoff.local.engines;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@ExtendWith(LocalEnginesExtension.class)
class LocalResourcesTest {

    @Test
    void ledgerTableHasKeysAndIndex(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        TableDescription table = dynamoDb.describeTable(request -> request.tableName(resources.tableName("LedgerTable"))).table();

        assertThat(table.tableName()).isEqualTo(resources.stackName() + "-LedgerTable");
        assertThat(table.keySchema()).extracting(key -> key.attributeName()).containsExactly("pk", "sk");
        assertThat(table.globalSecondaryIndexes()).singleElement()
                .satisfies(index -> assertThat(index.indexName()).isEqualTo("gsi1"));
        assertThat(table.globalSecondaryIndexes().get(0).keySchema())
                .extracting(key -> key.attributeName()).containsExactly("gsi1pk", "gsi1sk");
    }

    @Test
    void everyTemplateQueueExists(SqsClient sqs, ProvisionedResources resources, SamTemplate template) {
        assertThat(resources.queueUrls()).hasSize(template.queues().size());
        for (QueueDefinition queue : template.queues()) {
            String url = resources.queueUrl(queue.logicalId());
            assertThat(url).endsWith("/" + queue.name());
            assertThat(resources.queueArns().get(queue.logicalId())).isEqualTo("arn:aws:sqs:af-south-1:000000000000:" + queue.name());
        }
    }

    @Test
    void queueAttributesFollowTemplate(SqsClient sqs, ProvisionedResources resources) {
        var dealWon = sqs.getQueueAttributes(request -> request.queueUrl(resources.queueUrl("DealWonQueue"))
                .attributeNames(QueueAttributeName.ALL)).attributes();
        var onboarding = sqs.getQueueAttributes(request -> request.queueUrl(resources.queueUrl("OnboardingQueue"))
                .attributeNames(QueueAttributeName.ALL)).attributes();

        assertThat(dealWon).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "360");
        assertThat(dealWon.get(QueueAttributeName.REDRIVE_POLICY))
                .contains(resources.queueArns().get("DealWonDeadLetterQueue"))
                .contains("5");
        assertThat(onboarding).containsEntry(QueueAttributeName.FIFO_QUEUE, "true");
        assertThat(onboarding).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "60");
    }

    @Test
    void sixthReceiveMovesMessageToDeadLetterQueue(SqsClient sqs, ProvisionedResources resources) {
        String queueUrl = resources.queueUrl("InvoiceRequestQueue");
        String deadLetterUrl = resources.queueUrl("InvoiceRequestDeadLetterQueue");
        sqs.sendMessage(request -> request.queueUrl(queueUrl).messageBody("{\"dealId\":\"deal-1\"}"));

        for (int receive = 1; receive <= 5; receive++) {
            List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl)
                    .visibilityTimeout(0).waitTimeSeconds(1)).messages();
            assertThat(messages).as("receive %d", receive).hasSize(1);
        }
        List<Message> afterMaxReceives = sqs.receiveMessage(request -> request.queueUrl(queueUrl).waitTimeSeconds(1)).messages();
        List<Message> deadLetters = sqs.receiveMessage(request -> request.queueUrl(deadLetterUrl).waitTimeSeconds(1)).messages();

        assertThat(afterMaxReceives).isEmpty();
        assertThat(deadLetters).singleElement().satisfies(message -> assertThat(message.body()).isEqualTo("{\"dealId\":\"deal-1\"}"));
    }

    @Test
    void creatingAgainKeepsResources(DynamoDbClient dynamoDb, SqsClient sqs, SamTemplate template, ProvisionedResources first) {
        ProvisionedResources second = LocalResources.create(template, dynamoDb, sqs);

        assertThat(second.queueUrls()).isEqualTo(first.queueUrls());
        assertThat(second.tableNames()).isEqualTo(first.tableNames());
    }
}
