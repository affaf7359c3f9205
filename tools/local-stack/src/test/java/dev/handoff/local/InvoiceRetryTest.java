package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static dev.handoff.local.LocalHandoffFixtures.SAMPLE_DEAL_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.TimelineEvent;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Xero stores the sample deal's invoice and then returns 504, so invoice-creation gets a failure for a create
 * that happened. The failure policy sends the invoice request again after the local base delay of one second.
 * The retry finds the stored invoice by its reference and adopts it.
 */
class InvoiceRetryTest {

    private static final String EXPECTED_IDEMPOTENCY_KEY = "hs-9999999-deal-48000000001-inv-v1";

    private static LocalHandoff local;
    private static HttpResponse<String> webhookResponse;

    @BeforeAll
    static void createInvoiceThroughTimeout() {
        local = LocalHandoffFixtures.startLocalHandoff();
        local.xero().failNextInvoiceCreatesAfterCommit(1);

        webhookResponse = LocalHandoffFixtures.sendWebhook(local, LocalHandoffFixtures.webhookSender(),
                LocalHandoffFixtures.sampleWebhookBody());
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void webhookIsAccepted() {
        assertThat(webhookResponse.statusCode()).isEqualTo(200);
    }

    @Test
    void firstInvoiceAttemptIsRetried() {
        List<TimelineEvent> timeline = local.ledger().timeline(LocalHandoffFixtures.handoffKey(SAMPLE_DEAL_ID));

        assertThat(timeline).filteredOn(event -> event.outcome().equals("RETRY_SCHEDULED")).hasSize(1);
        assertThat(local.stack().metrics().get("InvoiceCreationFunction").failedRecords()).isZero();
    }

    @Test
    void retryLeavesOneInvoice() {
        List<ObjectNode> invoices = LocalHandoffFixtures.invoicesForDeal(local, SAMPLE_DEAL_ID);

        assertThat(invoices).hasSize(1);
        assertThat(local.xero().invoices(LocalSettings.TENANT_ID)).hasSize(1);
    }

    @Test
    void retryEndsHandoffInvoiced() {
        Handoff handoff = LocalHandoffFixtures.handoff(local, SAMPLE_DEAL_ID);
        String storedInvoiceId = LocalHandoffFixtures.invoicesForDeal(local, SAMPLE_DEAL_ID).get(0).path("InvoiceID").asText();

        assertThat(handoff.state()).isEqualTo(HandoffState.INVOICED);
        assertThat(handoff.invoiceId()).isEqualTo(storedInvoiceId);
    }

    @Test
    void everyInvoiceCreateCarriesDealKey() {
        assertThat(local.xero().putInvoiceIdempotencyKeys()).isNotEmpty();
        assertThat(local.xero().putInvoiceIdempotencyKeys()).containsOnly(EXPECTED_IDEMPOTENCY_KEY);
    }

    @Test
    void ledgerKeepsDealIdempotencyKey() {
        Handoff handoff = LocalHandoffFixtures.handoff(local, SAMPLE_DEAL_ID);

        assertThat(handoff.invoiceIdempotencyKey()).isEqualTo(EXPECTED_IDEMPOTENCY_KEY);
    }

    @Test
    void retryLeavesDeadLetterQueuesEmpty() {
        assertThat(local.deadLetterCount()).isZero();
    }
}
