package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.FreePorts;
import dev.handoff.local.runtime.LocalLambdaStack;
import dev.handoff.simulator.hubspot.HubSpotSimulator;
import dev.handoff.simulator.hubspot.WebhookSender;
import dev.handoff.simulator.xero.XeroRateLimiter;
import dev.handoff.simulator.xero.XeroSimulator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A month-end batch of 200 won deals for new customers, against a Xero simulator that enforces Xero's per-tenant
 * limits (60 calls in any rolling minute, 5 at once) and returns 429 beyond them. Both the simulator and Handoff's
 * Xero budget run at time scale 60, so a Xero minute lasts one second and the batch of about 1,400 Xero calls
 * needs about 30 s of Xero minutes instead of half an hour. Handoff must stay within its own budget of 57 calls a
 * minute and 4 at once, so Xero never returns 429, and every deal must end with exactly one invoice.
 */
class MonthEndBatchTest {

    private static final int DEALS = 200;
    private static final double TIME_SCALE = 60;
    private static final long FIRST_DEAL_ID = 48_000_300_001L;
    private static final int SENDER_THREADS = 4;
    /** A ceiling for a loaded machine, not a target: the batch needs about 30 s of Xero minutes at this scale. */
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(10);

    @Test
    void monthEndBatchStaysWithinXeroLimits() throws Exception {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(0, LocalSettings.HUBSPOT_ACCESS_TOKEN);
                XeroSimulator xero = XeroSimulator.builder()
                        .tenant(LocalSettings.TENANT_ID)
                        .accessToken(LocalSettings.XERO_ACCESS_TOKEN)
                        .webhookKey(LocalSettings.XERO_WEBHOOK_KEY)
                        .rateLimits(TIME_SCALE)
                        .start()) {
            List<String> dealIds = seedDeals(hubspot);
            try (LocalLambdaStack stack = LocalHandoff.stackBuilder(FreePorts.find(), LocalHandoffFixtures.RETRY_DELAY,
                            "PAID", hubspot, xero, LocalSettings.TENANT_ID)
                    .environment("XERO_LIMIT_TIME_SCALE", Double.toString(TIME_SCALE))
                    // HubSpot is not what this test limits, and its real budget would make the batch take minutes.
                    .environment("HUBSPOT_REQUEST_BUDGET", "1000")
                    .start()) {
                List<Integer> statuses = sendAll(stack.apiBaseUrl().resolve(LocalSettings.HUBSPOT_WEBHOOK_PATH), dealIds);
                stack.awaitQuiescence(BATCH_TIMEOUT);

                assertThat(statuses).hasSize(DEALS).containsOnly(200);
                XeroRateLimiter.Usage usage = xero.rateLimiter().orElseThrow().usage().get(LocalSettings.TENANT_ID);
                assertThat(usage.rejected()).isEmpty();
                assertThat(usage.peakInProgress()).isLessThanOrEqualTo(4);
                assertThat(stack.dlqDepths().values()).containsOnly(0);

                Map<String, Long> invoicesByReference = xero.invoices(LocalSettings.TENANT_ID).stream()
                        .collect(Collectors.groupingBy(invoice -> invoice.path("Reference").asText(), Collectors.counting()));
                assertThat(invoicesByReference).hasSize(DEALS);
                assertThat(invoicesByReference.values()).containsOnly(1L);
                assertThat(invoicesByReference.keySet())
                        .containsExactlyInAnyOrderElementsOf(dealIds.stream().map(id -> "HS-" + id).toList());
                Ledger ledger = new Ledger(stack.dynamoDb(), stack.resources().tableName("LedgerTable"));
                assertThat(ledger.listByState(HandoffState.INVOICED)).hasSize(DEALS);
            }
        }
    }

    /** Seeds one won deal per made-up new customer, each with its own company and VAT number. */
    private static List<String> seedDeals(HubSpotSimulator hubspot) {
        List<String> dealIds = new ArrayList<>();
        for (int number = 0; number < DEALS; number++) {
            String dealId = Long.toString(FIRST_DEAL_ID + number);
            String suffix = String.format("%03d", number + 1);
            LocalHandoffFixtures.seedReadyDeal(hubspot, dealId, "Month End Customer " + suffix + " (Pty) Ltd",
                    "accounts@customer-" + suffix + ".example.test", "4100000" + suffix);
            dealIds.add(dealId);
        }
        return dealIds;
    }

    /** Sends every deal's won event, signed, from a few threads, and returns the HTTP statuses. */
    private static List<Integer> sendAll(URI webhookUrl, List<String> dealIds) throws Exception {
        WebhookSender sender = LocalHandoffFixtures.webhookSender();
        ExecutorService pool = Executors.newFixedThreadPool(SENDER_THREADS);
        try {
            List<Future<Integer>> responses = new ArrayList<>();
            long eventId = 3_000_300_001L;
            for (String dealId : dealIds) {
                byte[] body = LocalHandoffFixtures.wonEventBody(eventId++, dealId, 0);
                responses.add(pool.submit(() -> sender.send(webhookUrl, webhookUrl.toString(), body).statusCode()));
            }
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
