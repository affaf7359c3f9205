package dev.handoff.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.lambda.HandoffComponents;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalHandoffFixtures;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ComponentsPrimingTest {

    @Test
    void primeReadsLedgerOnce() {
        try (LocalHandoff local = LocalHandoffFixtures.startLocalHandoff()) {
            HandoffComponents components = new HandoffComponents(local.stack().environment("InvoiceCreationFunction"),
                    "invoice-creation", Clock.systemUTC());
            components.invoiceCreation();

            AwsRequestCounter.Tally tally = AwsRequestCounter.start();
            try {
                components.prime();
            } finally {
                AwsRequestCounter.stop();
            }

            assertThat(tally.requests()).containsEntry("DynamoDb.GetItem", 1L);
            assertThat(tally.requests()).doesNotContainKeys("DynamoDb.PutItem", "DynamoDb.UpdateItem", "Sqs.SendMessage");
        }
    }
}
