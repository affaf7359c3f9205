package dev.handoff.local.ops;

import dev.handoff.accounting.xero.XeroClient;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalSettings;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.local.engines.QueueDefinition;
import dev.handoff.local.engines.SamTemplate;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds {@link Operations} for the local stack, in the same process or from the state file of {@code serve}. */
public final class LocalOps {

    /** Actor recorded in the ledger for actions run by the demo and the tests. */
    public static final String LOCAL_ACTOR = "local-operator";

    private LocalOps() {
    }

    /** Returns operations on a running local stack, acting as {@code actor}. */
    public static Operations of(LocalHandoff local, String actor) {
        return of(local.stack().template(), local.stack().resources(), local.stack().sqs(), local.stack().dynamoDb(),
                local.xero().baseUrl(), actor);
    }

    static Operations of(SamTemplate template, ProvisionedResources resources, SqsClient sqs, DynamoDbClient dynamoDb,
            URI xeroBaseUrl, String actor) {
        return new Operations(sqs, new Ledger(dynamoDb, resources.tableName("LedgerTable")), routes(template, resources),
                LocalSettings.TENANT_ID, Optional.of(localXero(xeroBaseUrl)), actor, Clock.systemUTC());
    }

    /** Returns a route for every queue whose redrive policy names a dead-letter queue and that a function consumes. */
    static List<QueueRoute> routes(SamTemplate template, ProvisionedResources resources) {
        List<String> consumed = template.functions().stream()
                .flatMap(function -> function.sqsEvents().stream())
                .map(source -> source.queueLogicalId())
                .toList();
        List<QueueRoute> routes = new ArrayList<>();
        for (QueueDefinition queue : template.queues()) {
            if (queue.redrive().isEmpty() || !consumed.contains(queue.logicalId())) {
                continue;
            }
            String deadLetter = queue.redrive().get().deadLetterQueueLogicalId();
            routes.add(new QueueRoute(queue.logicalId(), resources.queueUrl(queue.logicalId()),
                    resources.queueArns().get(queue.logicalId()), resources.queueUrl(deadLetter),
                    resources.queueArns().get(deadLetter)));
        }
        return routes;
    }

    private static XeroClient localXero(URI baseUrl) {
        return XeroClient.builder(LocalSettings.TENANT_ID, () -> LocalSettings.XERO_ACCESS_TOKEN)
                .baseUrl(baseUrl)
                .standardRate(new BigDecimal("15.00"))
                .build();
    }
}
