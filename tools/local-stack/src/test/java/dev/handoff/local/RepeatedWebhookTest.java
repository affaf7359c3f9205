package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static dev.handoff.local.LocalHandoffFixtures.SAMPLE_DEAL_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.domain.HandoffState;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HubSpot re-sends a webhook when it gets no response in time, so the same event can arrive more than once. Each
 * test here uses its own deal on one shared stack, and counts the PUT /Invoices calls made during the test.
 */
class RepeatedWebhookTest {

    private static final int CONCURRENT_DELIVERIES = 10;

    private static LocalHandoff local;
    private static WebhookSender sender;

    @BeforeAll
    static void startLocalHandoff() {
        local = LocalHandoffFixtures.startLocalHandoff();
        sender = LocalHandoffFixtures.webhookSender();
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), "48000000101", "Karoo Kettle Works (Pty) Ltd",
                "accounts@karoo-kettle.example.test", "4100000017");
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), "48000000102", "Umhlanga Tile Supply (Pty) Ltd",
                "billing@umhlanga-tile.example.test", "4100000025");
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void sameDeliveryTwiceCreatesOneInvoice() {
        byte[] body = LocalHandoffFixtures.sampleWebhookBody();
        int putsBefore = local.xero().putInvoiceCallCount();

        HttpResponse<String> first = LocalHandoffFixtures.sendWebhook(local, sender, body);
        HttpResponse<String> second = LocalHandoffFixtures.sendWebhook(local, sender, body);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("Accepted 0 deal(s)");
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, SAMPLE_DEAL_ID)).hasSize(1);
        assertThat(local.xero().putInvoiceCallCount() - putsBefore).isEqualTo(1);
        assertThat(LocalHandoffFixtures.handoff(local, SAMPLE_DEAL_ID).state()).isEqualTo(HandoffState.INVOICED);
    }

    @Test
    void retriedAttemptCreatesOneInvoice() {
        String dealId = "48000000101";
        byte[] firstAttempt = LocalHandoffFixtures.wonEventBody(3000000101L, dealId, 0);
        byte[] retry = LocalHandoffFixtures.withAttemptNumber(firstAttempt, 1);
        int putsBefore = local.xero().putInvoiceCallCount();

        HttpResponse<String> first = LocalHandoffFixtures.sendWebhook(local, sender, firstAttempt);
        HttpResponse<String> second = LocalHandoffFixtures.sendWebhook(local, sender, retry);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("Accepted 0 deal(s)");
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, dealId)).hasSize(1);
        assertThat(local.xero().putInvoiceCallCount() - putsBefore).isEqualTo(1);
        assertThat(LocalHandoffFixtures.handoff(local, dealId).state()).isEqualTo(HandoffState.INVOICED);
    }

    @Test
    void concurrentDeliveriesCreateOneInvoice() throws Exception {
        String dealId = "48000000102";
        byte[] body = LocalHandoffFixtures.wonEventBody(3000000102L, dealId, 0);
        int putsBefore = local.xero().putInvoiceCallCount();

        List<Integer> statuses = sendConcurrently(body);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(statuses).hasSize(CONCURRENT_DELIVERIES);
        assertThat(statuses).containsOnly(200);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, dealId)).hasSize(1);
        assertThat(local.xero().putInvoiceCallCount() - putsBefore).isEqualTo(1);
        assertThat(LocalHandoffFixtures.handoff(local, dealId).state()).isEqualTo(HandoffState.INVOICED);
        assertThat(local.deadLetterCount()).isZero();
    }

    /** Sends the same delivery from a pool of worker threads released together, and returns the HTTP statuses. */
    private static List<Integer> sendConcurrently(byte[] body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_DELIVERIES);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> responses = new ArrayList<>();
            for (int i = 0; i < CONCURRENT_DELIVERIES; i++) {
                responses.add(pool.submit(() -> {
                    start.await();
                    return LocalHandoffFixtures.sendWebhook(local, sender, body).statusCode();
                }));
            }
            start.countDown();

            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> response : responses) {
                statuses.add(response.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
