package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.domain.HandoffState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HubSpot responds 429 with {@code Retry-After} to the first requests of a handoff. The work waits and is tried
 * again, and the deal is invoiced once without a message reaching a dead-letter queue.
 */
class HubSpotThrottlingTest {

    private static final String DEAL_ID = "48000000401";

    private static LocalHandoff local;

    @BeforeAll
    static void throttleThenInvoice() {
        local = LocalHandoffFixtures.startLocalHandoff();
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), DEAL_ID, "Drakensberg Dairy (Pty) Ltd",
                "accounts@drakensberg-dairy.example.test", "4100000401");
        local.hubspot().rateLimitNext(2, 1);

        LocalHandoffFixtures.sendWebhook(local, LocalHandoffFixtures.webhookSender(),
                LocalHandoffFixtures.wonEventBody(3000000401L, DEAL_ID, 0));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void throttledDealIsInvoicedOnce() {
        assertThat(LocalHandoffFixtures.handoff(local, DEAL_ID).state()).isEqualTo(HandoffState.INVOICED);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, DEAL_ID)).hasSize(1);
    }

    @Test
    void throttlingLeavesDeadLetterQueuesEmpty() {
        assertThat(local.deadLetterCount()).isZero();
    }
}
