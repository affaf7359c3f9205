package dev.handoff.local.ops;

import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.SamTemplate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Builds {@link Operations} for a stack deployed with SAM, using the default AWS credential chain. Queue names
 * come from template.yaml with the stack name filled in, as CloudFormation names them. The ledger table has a
 * generated name, so the caller passes it (stack output {@code LedgerTableName}).
 */
public final class DeployedOps {

    private DeployedOps() {
    }

    /** Returns operations on a deployed stack with clients from the default credential chain. */
    public static Operations of(Path templateFile, String stackName, String ledgerTable, Optional<String> region,
            String tenantId, String actor) {
        var sqsBuilder = SqsClient.builder();
        var dynamoDbBuilder = DynamoDbClient.builder();
        region.map(Region::of).ifPresent(value -> {
            sqsBuilder.region(value);
            dynamoDbBuilder.region(value);
        });
        return of(templateFile, stackName, ledgerTable, sqsBuilder.build(), dynamoDbBuilder.build(), tenantId, actor);
    }

    /** Returns operations on the stack named {@code stackName}, reached through the given clients. */
    static Operations of(Path templateFile, String stackName, String ledgerTable, SqsClient sqs, DynamoDbClient dynamoDb,
            String tenantId, String actor) {
        SamTemplate template = SamTemplate.read(templateFile, stackName);
        // NOTE: the invoice checks of `ops check` need the accounting system. Against a deployed stack they are
        // skipped, because ops cannot read the Xero token from the stack's secret yet.
        return new Operations(sqs, new Ledger(dynamoDb, ledgerTable), routes(template, sqs), tenantId, Optional.empty(),
                actor, Clock.systemUTC());
    }

    private static List<QueueRoute> routes(SamTemplate template, SqsClient sqs) {
        Map<String, String> urls = new HashMap<>();
        template.queues().forEach(queue -> urls.put(queue.logicalId(),
                sqs.getQueueUrl(request -> request.queueName(queue.name())).queueUrl()));
        return QueueRoute.fromTemplate(template, urls::get, logicalId -> arn(sqs, urls.get(logicalId)));
    }

    private static String arn(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }
}
