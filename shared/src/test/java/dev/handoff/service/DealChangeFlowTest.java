package dev.handoff.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.hubspot.HubSpotSignatureVerifier;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.RetryableException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.message.DealChange;
import dev.handoff.message.DealWonMessage;
import dev.handoff.message.InvoiceRequestMessage;
import dev.handoff.message.QueuePublisher;
import dev.handoff.observability.Metrics;
import dev.handoff.testing.EngineTestData;
import dev.handoff.testing.FakeAccounting;
import dev.handoff.testing.FakeCrm;
import dev.handoff.testing.Fixtures;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * HubSpot change, merge and association events on the real ledger (dynalite) and deal-won queue (ElasticMQ):
 * what the intake enqueues, and how {@link DealChangeService} puts an invoiced handoff on hold for review.
 */
@ExtendWith(LocalEnginesExtension.class)
class DealChangeFlowTest {

    private static final String SECRET = "test-only-hubspot-client-secret-0000";
    private static final String PUBLIC_URL = "https://hooks.example.test/hubspot/webhook";
    private static final AtomicLong DEALS = new AtomicLong(48_000_200_000L);
    private static final AtomicLong EVENTS = new AtomicLong(3_000_200_000L);

    private final SqsClient sqs;
    private final ProvisionedResources resources;
    private final Ledger ledger;
    private final FakeCrm crm = new FakeCrm();
    private final FakeAccounting accounting = new FakeAccounting();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T06:00:00Z"), ZoneOffset.UTC);
    private final String dealId = Long.toString(DEALS.incrementAndGet());
    private final HandoffKey key = HandoffKey.hubspot(Fixtures.PORTAL_ID, dealId);
    private final String companyId = "7" + dealId.substring(dealId.length() - 6);

    DealChangeFlowTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.sqs = sqs;
        this.resources = resources;
        this.ledger = new Ledger(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeEach
    void seedDeal() {
        crm.put(Fixtures.wonDeal(dealId, Fixtures.company(companyId)));
        for (String queue : List.of("DealWonQueue", "InvoiceRequestQueue", "PaymentEventQueue")) {
            sqs.purgeQueue(request -> request.queueUrl(resources.queueUrl(queue)));
        }
    }

    @Test
    void changeOfDealWithoutHandoffIsNotEnqueued() {
        WebhookResponse response = intake(false).handle(signed(propertyChange(dealId, "amount", "12000.00")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("0 change(s)").contains("1 event(s) needing no work");
        assertThat(drainDealWon(dealId)).isEmpty();
    }

    @Test
    void amountChangeAfterInvoiceHoldsForPricingReview() {
        invoiceDeal();
        crm.put(withAmount(Fixtures.wonDeal(dealId, Fixtures.company(companyId)), "14000.00"));

        intake(false).handle(signed(propertyChange(dealId, "amount", "14000.00")));
        List<DealWonMessage> changes = drainDealWon(dealId);
        DealChangeService.Outcome outcome = changes().process(changes.get(0));

        Handoff onHold = handoff(key);
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).change()).isEqualTo(new DealChange(DealChange.Type.PROPERTY_CHANGE, "amount", "14000.00"));
        assertThat(outcome).isEqualTo(DealChangeService.Outcome.HELD_FOR_REVIEW);
        assertThat(onHold.state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(onHold.resumeState()).isEqualTo(HandoffState.INVOICED);
        assertThat(onHold.blockedReason()).startsWith("Review needed (PRICING_OVERRIDE)").contains("INV-0001");
        assertThat(onHold.blockedReason()).doesNotContain("14000");
        assertThat(accounting.invoices).hasSize(1);
        assertThat(crm.notes).hasSize(1);
        assertThat(crm.notes.get(0).text()).contains("waiting for a finance review").contains("approval resumes the handoff");
    }

    @Test
    void repeatedChangeAddsNoSecondNote() {
        invoiceDeal();
        crm.put(withAmount(Fixtures.wonDeal(dealId, Fixtures.company(companyId)), "14000.00"));
        DealWonMessage change = new DealWonMessage(key.value(), "9999999:1", 0,
                new DealChange(DealChange.Type.PROPERTY_CHANGE, "amount", "14000.00"));

        changes().process(change);
        changes().process(change);

        assertThat(crm.notes).hasSize(1);
        assertThat(handoff(key).state()).isEqualTo(HandoffState.IN_REVIEW);
    }

    @Test
    void invoiceStatusWritesOnlyChangedProperties() {
        invoiceDeal();
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        int updatesAfterInvoice = crm.updates.size();
        Map<String, String> firstWrite = crm.updates.get(updatesAfterInvoice - 1).properties();

        writer.writeInvoiceStatus(handoff(key));
        Handoff partlyPaid = ledger.update(handoff(key), HandoffChange.none()
                .set(Attribute.PAYMENT_STATUS, "PARTIALLY_PAID")
                .set(Attribute.AMOUNT_PAID, new BigDecimal("5000.00"))
                .set(Attribute.AMOUNT_DUE, new BigDecimal("8225.00")), Instant.now(clock));
        writer.writeInvoiceStatus(partlyPaid);

        assertThat(firstWrite).containsKeys("acct_invoice_id", "acct_invoice_number", "handoff_status",
                "handoff_blocked_reason");
        assertThat(crm.updates).hasSize(updatesAfterInvoice + 1);
        assertThat(crm.updates.get(updatesAfterInvoice).properties()).containsOnlyKeys("acct_invoice_status",
                "acct_amount_paid", "acct_amount_due", "handoff_last_synced_at");
        assertThat(crm.updates.get(updatesAfterInvoice).properties()).containsEntry("acct_amount_due", "8225.00");
    }

    @Test
    void stageStillWonNeedsNoReview() {
        invoiceDeal();

        DealChangeService.Outcome outcome = changes().process(new DealWonMessage(key.value(), "9999999:2", 0,
                new DealChange(DealChange.Type.PROPERTY_CHANGE, "dealstage", "closedwon")));

        assertThat(outcome).isEqualTo(DealChangeService.Outcome.NO_REVIEW_NEEDED);
        assertThat(handoff(key).state()).isEqualTo(HandoffState.INVOICED);
    }

    @Test
    void changeReadingMergedDealHoldsForMergeReview() {
        invoiceDeal();
        // The merge event has not arrived, but reading the deal already returns the surviving deal.
        crm.merge(dealId, "48000999003");

        DealChangeService.Outcome outcome = changes().process(new DealWonMessage(key.value(), "9999999:2", 0,
                new DealChange(DealChange.Type.PROPERTY_CHANGE, "amount", "14000.00")));

        assertThat(outcome).isEqualTo(DealChangeService.Outcome.HELD_FOR_REVIEW);
        assertThat(handoff(key).state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff(key).blockedReason()).startsWith("Review needed (CUSTOMER_MERGE)")
                .contains("merged into deal 48000999003");
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void lineItemAssociationChangeHoldsForPricingReview() {
        invoiceDeal();
        String body = "[{\"eventId\":" + EVENTS.incrementAndGet() + ",\"subscriptionId\":123457,\"portalId\":9999999,"
                + "\"appId\":111111,\"occurredAt\":1772317900000,\"subscriptionType\":\"deal.associationChange\","
                + "\"attemptNumber\":0,\"changeSource\":\"CRM_UI\",\"associationType\":\"DEAL_TO_LINE_ITEM\","
                + "\"fromObjectId\":" + dealId + ",\"toObjectId\":9003,\"associationRemoved\":false,"
                + "\"isPrimaryAssociation\":false}]";

        intake(false).handle(signed(body));
        List<DealWonMessage> messages = drainDealWon(dealId);
        changes().process(messages.get(0));

        assertThat(messages).hasSize(1);
        assertThat(handoff(key).blockedReason()).startsWith("Review needed (PRICING_OVERRIDE)");
        assertThat(handoff(key).blockedFields()).containsExactly("deal.line_items");
    }

    @Test
    void changeWhileInvoiceInFlightIsRetried() {
        Handoff opened = ledger.openHandoff(key, Fixtures.TENANT_ID, "9999999:3", Instant.now(clock));
        Handoff ready = ledger.transition(opened, HandoffState.CUSTOMER_READY,
                HandoffChange.none().set(Attribute.CUSTOMER_ID, "contact-1"), Instant.now(clock));
        ledger.transition(ready, HandoffState.INVOICE_IN_FLIGHT,
                HandoffChange.none().set(Attribute.INVOICE_IDEMPOTENCY_KEY, "hs-9999999-deal-" + dealId + "-inv-v1"),
                Instant.now(clock));

        assertThatThrownBy(() -> changes().process(new DealWonMessage(key.value(), "9999999:4", 0,
                new DealChange(DealChange.Type.PROPERTY_CHANGE, "amount", "1.00"))))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("invoice in flight");
    }

    @Test
    void dealMergeAfterInvoiceHoldsBothDeals() {
        invoiceDeal();
        String survivorId = Long.toString(DEALS.incrementAndGet());
        String body = "[{\"eventId\":" + EVENTS.incrementAndGet() + ",\"subscriptionId\":123458,\"portalId\":9999999,"
                + "\"appId\":111111,\"occurredAt\":1772317900000,\"subscriptionType\":\"deal.merge\",\"attemptNumber\":0,"
                + "\"objectId\":" + survivorId + ",\"changeFlag\":\"MERGED\",\"changeSource\":\"CRM_UI\","
                + "\"primaryObjectId\":" + dealId + ",\"mergedObjectIds\":[48000199999],\"newObjectId\":" + survivorId
                + ",\"numberOfPropertiesMoved\":4}]";

        intake(false).handle(signed(body));
        List<DealWonMessage> messages = drainDealWon(dealId);
        changes().process(messages.get(0));

        HandoffKey survivorKey = HandoffKey.hubspot(Fixtures.PORTAL_ID, survivorId);
        assertThat(messages).hasSize(1);
        assertThat(handoff(key).blockedReason()).startsWith("Review needed (CUSTOMER_MERGE)").contains(survivorId);
        assertThat(handoff(survivorKey).state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff(survivorKey).resumeState()).isEqualTo(HandoffState.INVOICED);

        crm.put(Fixtures.wonDeal(survivorId, Fixtures.company(companyId)));
        CustomerUpsertService.Outcome won = customerUpsert().process(new DealWonMessage(survivorKey.value(), "9999999:5", 0));
        assertThat(won).isEqualTo(CustomerUpsertService.Outcome.ALREADY_DONE);
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void companyMergeMovesCustomerLinkToSurvivor() {
        ledger.putCustomerLink("hubspot", Fixtures.PORTAL_ID, companyId, Fixtures.TENANT_ID, "contact-merged", Instant.now(clock));
        String survivorCompanyId = "8" + dealId.substring(dealId.length() - 6);
        String body = "[{\"eventId\":" + EVENTS.incrementAndGet() + ",\"subscriptionId\":123459,\"portalId\":9999999,"
                + "\"appId\":111111,\"occurredAt\":1772317900000,\"subscriptionType\":\"company.merge\",\"attemptNumber\":0,"
                + "\"objectId\":" + survivorCompanyId + ",\"changeFlag\":\"MERGED\",\"changeSource\":\"CRM_UI\","
                + "\"primaryObjectId\":" + survivorCompanyId + ",\"mergedObjectIds\":[" + companyId + "]}]";

        WebhookResponse response = intake(false).handle(signed(body));

        assertThat(response.body()).contains("1 company merge(s)");
        assertThat(ledger.findCustomerLink("hubspot", Fixtures.PORTAL_ID, survivorCompanyId, Fixtures.TENANT_ID))
                .contains("contact-merged");
    }

    @Test
    void companyMergeKeepsSurvivorsOwnLink() {
        String survivorCompanyId = "8" + dealId.substring(dealId.length() - 6);
        ledger.putCustomerLink("hubspot", Fixtures.PORTAL_ID, companyId, Fixtures.TENANT_ID, "contact-merged", Instant.now(clock));
        ledger.putCustomerLink("hubspot", Fixtures.PORTAL_ID, survivorCompanyId, Fixtures.TENANT_ID, "contact-kept",
                Instant.now(clock));
        String body = "[{\"eventId\":" + EVENTS.incrementAndGet() + ",\"portalId\":9999999,\"occurredAt\":1772317900000,"
                + "\"subscriptionType\":\"company.merge\",\"objectId\":" + survivorCompanyId
                + ",\"primaryObjectId\":" + survivorCompanyId + ",\"mergedObjectIds\":[" + companyId + "]}]";

        intake(false).handle(signed(body));

        assertThat(ledger.findCustomerLink("hubspot", Fixtures.PORTAL_ID, survivorCompanyId, Fixtures.TENANT_ID))
                .contains("contact-kept");
    }

    @Test
    void batchOfHundredEventsIsAccepted() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            body.append(i == 0 ? "" : ",").append(event(EVENTS.incrementAndGet(), dealId, i == 99 ? "closedwon" : "contractsent"));
        }
        body.append(']');

        WebhookResponse response = intake(false).handle(signed(body.toString()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Accepted 1 deal(s)").contains("99 event(s) needing no work");
        assertThat(drainDealWon(dealId)).hasSize(1);
    }

    @Test
    void legacyV1SignatureIsAcceptedWhenEnabled() {
        byte[] bytes = ("[" + event(EVENTS.incrementAndGet(), dealId, "closedwon") + "]").getBytes(StandardCharsets.UTF_8);
        WebhookRequest request = new WebhookRequest("POST", PUBLIC_URL, Map.of(
                "X-HubSpot-Signature", HubSpotSignatureVerifier.signV1(SECRET, bytes),
                "X-HubSpot-Signature-Version", "v1"), bytes);

        assertThat(intake(false).handle(request).statusCode()).isEqualTo(401);
        assertThat(intake(true).handle(request).statusCode()).isEqualTo(200);
        assertThat(drainDealWon(dealId)).hasSize(1);
    }

    @Test
    void legacyV2SignatureCoversPublicUrl() {
        byte[] bytes = ("[" + event(EVENTS.incrementAndGet(), dealId, "closedwon") + "]").getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of(
                "X-HubSpot-Signature", HubSpotSignatureVerifier.signV2(SECRET, "POST", PUBLIC_URL, bytes),
                "X-HubSpot-Signature-Version", "v2");

        assertThat(intake(true).handle(new WebhookRequest("POST", PUBLIC_URL + "?x=1", headers, bytes)).statusCode())
                .isEqualTo(401);
        assertThat(intake(true).handle(new WebhookRequest("POST", PUBLIC_URL, headers, bytes)).statusCode())
                .isEqualTo(200);
    }

    private void invoiceDeal() {
        intake(false).handle(signed("[" + event(EVENTS.incrementAndGet(), dealId, "closedwon") + "]"));
        for (DealWonMessage message : drainDealWon(dealId)) {
            customerUpsert().process(message);
        }
        for (InvoiceRequestMessage message : drain("InvoiceRequestQueue", InvoiceRequestMessage.class, dealId)) {
            invoiceCreation().process(message);
        }
        assertThat(handoff(key).state()).isEqualTo(HandoffState.INVOICED);
    }

    private DealWonIntakeService intake(boolean acceptLegacySignatures) {
        return new DealWonIntakeService(new HubSpotSignatureVerifier(SECRET, clock, acceptLegacySignatures), ledger,
                new QueuePublisher(sqs), WonStages.parse("default:closedwon"), Fixtures.TENANT_ID, Fixtures.PORTAL_ID,
                resources.queueUrl("DealWonQueue"), new Metrics("test", Clock.systemUTC(), line -> { }), clock);
    }

    private DealChangeService changes() {
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        return new DealChangeService(ledger, crm, new HandoffBlocker(ledger, writer, clock),
                WonStages.parse("default:closedwon"), Fixtures.TENANT_ID, clock);
    }

    private CustomerUpsertService customerUpsert() {
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        return new CustomerUpsertService(ledger, crm, accounting, new QueuePublisher(sqs),
                new HandoffBlocker(ledger, writer, clock), WonStages.parse("default:closedwon"), Fixtures.TENANT_ID,
                resources.queueUrl("InvoiceRequestQueue"), clock);
    }

    private InvoiceCreationService invoiceCreation() {
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        InvoiceDrafter drafter = new InvoiceDrafter(ZoneId.of("Africa/Johannesburg"), 30, PriceBasis.EXCLUSIVE,
                "AUTHORISED", "200", TaxCategory.STANDARD);
        return new InvoiceCreationService(ledger, crm, accounting, drafter, writer, new HandoffBlocker(ledger, writer, clock),
                new BigDecimal("15.00"), new QueuePublisher(sqs), resources.queueUrl("PaymentEventQueue"), clock,
                WonStages.parse("default:closedwon"));
    }

    private Handoff handoff(HandoffKey handoffKey) {
        return ledger.find(handoffKey).orElseThrow();
    }

    private List<DealWonMessage> drainDealWon(String marker) {
        return drain("DealWonQueue", DealWonMessage.class, marker);
    }

    /** Receives and deletes every message whose body contains {@code marker}, leaving other tests' messages. */
    private <T> List<T> drain(String queue, Class<T> type, String marker) {
        return EngineTestData.receiveAndDeleteMatching(sqs, resources.queueUrl(queue), marker, type);
    }

    private static String propertyChange(String dealId, String property, String value) {
        return "[{\"eventId\":" + EVENTS.incrementAndGet() + ",\"subscriptionId\":123456,\"portalId\":9999999,"
                + "\"appId\":111111,\"occurredAt\":1772317900000,\"subscriptionType\":\"deal.propertyChange\","
                + "\"attemptNumber\":0,\"objectId\":" + dealId + ",\"propertyName\":\"" + property + "\","
                + "\"propertyValue\":\"" + value + "\",\"changeSource\":\"CRM_UI\",\"sourceId\":\"userId:1234\"}]";
    }

    private static String event(long eventId, String dealId, String stage) {
        return "{\"eventId\":" + eventId + ",\"subscriptionId\":123456,\"portalId\":9999999,\"appId\":111111,"
                + "\"occurredAt\":1772317800000,\"subscriptionType\":\"deal.propertyChange\",\"attemptNumber\":0,"
                + "\"objectId\":" + dealId + ",\"propertyName\":\"dealstage\",\"propertyValue\":\"" + stage + "\","
                + "\"changeSource\":\"CRM_UI\",\"sourceId\":\"userId:1234\"}";
    }

    private WebhookRequest signed(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(clock.millis());
        String signature = HubSpotSignatureVerifier.signV3(SECRET, "POST", PUBLIC_URL, bytes, timestamp);
        return new WebhookRequest("POST", PUBLIC_URL,
                Map.of("X-HubSpot-Signature-v3", signature, "X-HubSpot-Request-Timestamp", timestamp), bytes);
    }

    private static CrmDeal withAmount(CrmDeal deal, String amount) {
        return new CrmDeal(deal.id(), deal.name(), deal.pipeline(), deal.stage(), deal.closeDate(), new BigDecimal(amount),
                deal.currency(), deal.companies(), deal.contacts(), deal.lineItems(), deal.recordUrl());
    }
}
