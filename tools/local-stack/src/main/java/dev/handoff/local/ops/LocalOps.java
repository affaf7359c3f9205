package dev.handoff.local.ops;

import dev.handoff.accounting.xero.XeroClient;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalSettings;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.local.engines.SamTemplate;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
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

    static List<QueueRoute> routes(SamTemplate template, ProvisionedResources resources) {
        return QueueRoute.fromTemplate(template, resources::queueUrl, logicalId -> resources.queueArns().get(logicalId));
    }

    static XeroClient localXero(URI baseUrl) {
        return XeroClient.builder(LocalSettings.TENANT_ID, () -> LocalSettings.XERO_ACCESS_TOKEN)
                .baseUrl(baseUrl)
                .standardRate(new BigDecimal("15.00"))
                .build();
    }
}
