package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.review.ReviewItem;
import dev.handoff.review.ReviewStatus;
import dev.handoff.review.ReviewStore;
import dev.handoff.review.ReviewType;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A deal that is invoiced and then changes amount, leaves the won stage or is deleted is put on hold for a
 * person's review. Xero never gets a second invoice for it, even when the deal is moved to won again afterwards.
 */
class PostInvoiceChangeTest {

    private static final String AMOUNT_DEAL_ID = "48000000301";
    private static final String STAGE_DEAL_ID = "48000000302";
    private static final String DELETED_DEAL_ID = "48000000303";
    private static final String UNCHANGED_DEAL_ID = "48000000304";
    private static final long PORTAL_ID = Long.parseLong(LocalSettings.PORTAL_ID);

    private static LocalHandoff local;
    private static WebhookSender sender;
    private static HttpResponse<String> amountChangeResponse;

    @BeforeAll
    static void invoiceDeals() {
        local = LocalHandoffFixtures.startLocalHandoff();
        sender = LocalHandoffFixtures.webhookSender();
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), AMOUNT_DEAL_ID, "Langeberg Orchards (Pty) Ltd",
                "accounts@langeberg-orchards.example.test", "4100000301");
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), STAGE_DEAL_ID, "Cederberg Tents (Pty) Ltd",
                "accounts@cederberg-tents.example.test", "4100000302");
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), DELETED_DEAL_ID, "Karoo Solar Works (Pty) Ltd",
                "accounts@karoo-solar.example.test", "4100000303");
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), UNCHANGED_DEAL_ID, "Tsitsikamma Timber (Pty) Ltd",
                "accounts@tsitsikamma-timber.example.test", "4100000304");
        long eventId = 3000000301L;
        for (String dealId : List.of(AMOUNT_DEAL_ID, STAGE_DEAL_ID, DELETED_DEAL_ID, UNCHANGED_DEAL_ID)) {
            LocalHandoffFixtures.sendWebhook(local, sender, LocalHandoffFixtures.wonEventBody(eventId++, dealId, 0));
        }
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void amountChangeHoldsForPricingReview() {
        HttpResponse<String> response = changeAmountOnce();

        Handoff handoff = LocalHandoffFixtures.handoff(local, AMOUNT_DEAL_ID);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("1 change(s) to handed-off deals");
        assertThat(handoff.state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff.resumeState()).isEqualTo(HandoffState.INVOICED);
        assertThat(handoff.blockedReason()).contains("PRICING_OVERRIDE");
        assertThat(handoff.blockedFields()).containsExactly("deal.amount");
        assertThat(pendingReviews(AMOUNT_DEAL_ID)).extracting(ReviewItem::type).containsExactly(ReviewType.PRICING_OVERRIDE);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, AMOUNT_DEAL_ID)).hasSize(1);
        assertThat(local.hubspot().dealProperties(AMOUNT_DEAL_ID).get(CrmProperties.HANDOFF_STATUS)).isEqualTo("IN_REVIEW");
        assertThat(local.hubspot().notesFor(AMOUNT_DEAL_ID)).hasSize(1);
        assertThat(local.deadLetterCount()).isZero();
    }

    @Test
    void wonAgainAfterAmountChangeNotReinvoiced() {
        changeAmountOnce();

        send(WebhookSender.dealPropertyChangeBody(3000000312L, PORTAL_ID, Long.parseLong(AMOUNT_DEAL_ID), "dealstage",
                "closedwon", 0, now()));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(LocalHandoffFixtures.invoicesForDeal(local, AMOUNT_DEAL_ID)).hasSize(1);
        assertThat(LocalHandoffFixtures.handoff(local, AMOUNT_DEAL_ID).state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(local.hubspot().notesFor(AMOUNT_DEAL_ID)).hasSize(1);
    }

    @Test
    void leavingWonAfterInvoiceHoldsForDispute() {
        Map<String, String> lost = LocalHandoffFixtures.wonDealProperties("Cederberg Tents (Pty) Ltd retainer");
        lost.put("dealstage", "closedlost");
        putDeal(STAGE_DEAL_ID, lost);

        send(WebhookSender.dealPropertyChangeBody(3000000321L, PORTAL_ID, Long.parseLong(STAGE_DEAL_ID), "dealstage",
                "closedlost", 0, now()));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        Handoff handoff = LocalHandoffFixtures.handoff(local, STAGE_DEAL_ID);
        assertThat(handoff.state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff.resumeState()).isEqualTo(HandoffState.INVOICED);
        assertThat(handoff.blockedReason()).contains("COMMERCIAL_DISPUTE");
        assertThat(handoff.blockedFields()).containsExactly("deal.dealstage");
        assertThat(pendingReviews(STAGE_DEAL_ID)).extracting(ReviewItem::type).containsExactly(ReviewType.COMMERCIAL_DISPUTE);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, STAGE_DEAL_ID)).hasSize(1);
        assertThat(local.hubspot().dealProperties(STAGE_DEAL_ID).get(CrmProperties.BLOCKED_REASON))
                .contains("left the won stage");

        putDeal(STAGE_DEAL_ID, LocalHandoffFixtures.wonDealProperties("Cederberg Tents (Pty) Ltd retainer"));
        send(WebhookSender.dealPropertyChangeBody(3000000322L, PORTAL_ID, Long.parseLong(STAGE_DEAL_ID), "dealstage",
                "closedwon", 0, now()));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(LocalHandoffFixtures.invoicesForDeal(local, STAGE_DEAL_ID)).hasSize(1);
        assertThat(local.deadLetterCount()).isZero();
    }

    @Test
    void deletedDealAfterInvoiceHoldsForDispute() {
        local.hubspot().deleteDeal(DELETED_DEAL_ID);

        send(WebhookSender.dealDeletionBody(3000000331L, PORTAL_ID, Long.parseLong(DELETED_DEAL_ID), now()));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        Handoff handoff = LocalHandoffFixtures.handoff(local, DELETED_DEAL_ID);
        assertThat(handoff.state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff.blockedReason()).contains("COMMERCIAL_DISPUTE").contains("deleted");
        assertThat(pendingReviews(DELETED_DEAL_ID)).extracting(ReviewItem::type).containsExactly(ReviewType.COMMERCIAL_DISPUTE);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, DELETED_DEAL_ID)).hasSize(1);
        assertThat(local.deadLetterCount()).isZero();
    }

    @Test
    void unrelatedPropertyChangeLeavesHandoffInvoiced() {
        HttpResponse<String> response = send(WebhookSender.dealPropertyChangeBody(3000000341L, PORTAL_ID,
                Long.parseLong(UNCHANGED_DEAL_ID), "dealname", "Tsitsikamma Timber renewal", 0, now()));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(response.body()).contains("0 change(s) to handed-off deals");
        assertThat(LocalHandoffFixtures.handoff(local, UNCHANGED_DEAL_ID).state()).isEqualTo(HandoffState.INVOICED);
        assertThat(local.hubspot().notesFor(UNCHANGED_DEAL_ID)).isEmpty();
    }

    /**
     * Changes the amount of {@link #AMOUNT_DEAL_ID} after its invoice and sends the change webhook, on the first
     * call only. Returns the intake's response to that webhook.
     */
    private static synchronized HttpResponse<String> changeAmountOnce() {
        if (amountChangeResponse == null) {
            assertThat(LocalHandoffFixtures.handoff(local, AMOUNT_DEAL_ID).state()).isEqualTo(HandoffState.INVOICED);
            Map<String, String> changed = LocalHandoffFixtures.wonDealProperties("Langeberg Orchards (Pty) Ltd retainer");
            changed.put("amount", "6500.00");
            putDeal(AMOUNT_DEAL_ID, changed);
            amountChangeResponse = send(WebhookSender.dealPropertyChangeBody(3000000311L, PORTAL_ID,
                    Long.parseLong(AMOUNT_DEAL_ID), "amount", "6500.00", 0, now()));
            local.awaitQuiescence(QUIESCENCE_TIMEOUT);
        }
        return amountChangeResponse;
    }

    private static void putDeal(String dealId, Map<String, String> properties) {
        local.hubspot().putDeal(dealId, properties, List.of(LocalHandoffFixtures.companyIdFor(dealId)), List.of(),
                List.of(LocalHandoffFixtures.lineItemIdFor(dealId)));
    }

    private static HttpResponse<String> send(byte[] body) {
        return LocalHandoffFixtures.sendWebhook(local, sender, body);
    }

    private static long now() {
        return Clock.systemUTC().millis() - 1_000;
    }

    private static List<ReviewItem> pendingReviews(String dealId) {
        ReviewStore reviews = new ReviewStore(local.ledger().dynamoDb(), local.ledger().tableName());
        return reviews.forHandoff(HandoffKey.hubspot(LocalSettings.PORTAL_ID, dealId)).stream()
                .filter(review -> review.status() == ReviewStatus.PENDING)
                .toList();
    }
}
