package dev.handoff.local.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalHandoffFixtures;
import dev.handoff.local.LocalSettings;
import dev.handoff.local.engines.RepositoryRoot;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployed-stack path of ops, given the local engines' clients: queue URLs and ARNs come from template.yaml's
 * queue names through GetQueueUrl and GetQueueAttributes, as they would in AWS.
 */
class DeployedOpsTest {

    private static LocalHandoff local;
    private static Operations operations;

    @BeforeAll
    static void connectLikeDeployed() {
        local = LocalHandoffFixtures.startLocalHandoff();
        operations = DeployedOps.of(RepositoryRoot.template(), "handoff", local.stack().resources().tableName("LedgerTable"),
                local.stack().sqs(), local.stack().dynamoDb(), LocalSettings.TENANT_ID, "deployed-test");
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void routesMatchLocalStack() {
        List<QueueRoute> expected = LocalOps.routes(local.stack().template(), local.stack().resources());

        assertThat(operations.routes()).extracting(QueueRoute::name)
                .containsExactly("DealWonQueue", "InvoiceRequestQueue", "PaymentEventQueue", "OnboardingQueue");
        assertThat(operations.routes()).extracting(QueueRoute::deadLetterArn)
                .containsExactlyElementsOf(expected.stream().map(QueueRoute::deadLetterArn).toList());
    }

    @Test
    void checkPassesWithoutAccounting() {
        assertThat(operations.check()).isEmpty();
        assertThat(operations.opsActions()).extracting(action -> action.actor()).contains("deployed-test");
    }
}
