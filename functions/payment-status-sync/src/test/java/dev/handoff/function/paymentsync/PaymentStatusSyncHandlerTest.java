package dev.handoff.function.paymentsync;

import dev.handoff.testing.FakeAccounting;
import dev.handoff.testing.FakeCrm;
import dev.handoff.testing.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.config.OnboardingRule;
import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.message.QueuePublisher;
import dev.handoff.service.CrmStatusWriter;
import dev.handoff.service.PaymentStatusSyncService;
import dev.handoff.testing.EngineTestData;
import dev.handoff.testing.HandlerEngineFixture;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The payment-status-sync handler driven by the sample SQS event in {@code events/}, on the real ledger
 * (dynalite) and onboarding FIFO queue (ElasticMQ), with in-memory CRM and accounting fakes. Each test starts
 * with the sample's invoice raised by Handoff and fully paid in the accounting fake.
 */
@ExtendWith(LocalEnginesExtension.class)
class PaymentStatusSyncHandlerTest {

    private static final String TENANT_ID = "0c6f0a3e-0000-4000-8000-0000000000aa";
    private static final String INVOICE_ID = "8e2b1c44-0000-4000-8000-000000000001";
    private static final HandoffKey KEY = HandoffKey.parse("hubspot:9999999:48000000001");
    private static final String OTHER_MESSAGE_ID = "0b4d1f2a-0000-4000-8000-0000000000ff";
    private static final BigDecimal TOTAL = new BigDecimal("13225.00");
    private static final BigDecimal ZERO = new BigDecimal("0.00");

    private final HandlerEngineFixture engines;
    private final Ledger ledger;
    private final FakeCrm crm = new FakeCrm();
    private final FakeAccounting accounting = new FakeAccounting();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);

    PaymentStatusSyncHandlerTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.engines = new HandlerEngineFixture(dynamoDb, sqs, resources);
        this.ledger = engines.ledger();
    }

    // Tests in this class share one table and queue, and all of them use the sample's invoice.
    @BeforeEach
    void invoicedHandoffPaidInAccounting() {
        engines.emptyLedger();
        engines.purgeQueue("OnboardingQueue");

        Instant now = clock.instant();
        Handoff handoff = ledger.openHandoff(KEY, TENANT_ID, "9999999:3000000001", now);
        handoff = ledger.transition(handoff, HandoffState.CUSTOMER_READY, HandoffChange.none()
                .set(Attribute.CUSTOMER_ID, "5d1c2b3a-0000-4000-8000-0000000000c9").set(Attribute.TENANT_ID, TENANT_ID), now);
        handoff = ledger.transition(handoff, HandoffState.INVOICE_IN_FLIGHT, HandoffChange.none()
                .set(Attribute.INVOICE_IDEMPOTENCY_KEY, "hs-9999999-deal-48000000001-inv-v1")
                .set(Attribute.INVOICE_IN_FLIGHT_SINCE, now), now);
        ledger.transition(handoff, HandoffState.INVOICED, HandoffChange.none()
                .set(Attribute.INVOICE_ID, INVOICE_ID).set(Attribute.INVOICE_NUMBER, "INV-0001")
                .set(Attribute.INVOICE_STATUS, "AUTHORISED").set(Attribute.CURRENCY, "ZAR")
                .set(Attribute.INVOICE_TOTAL, TOTAL).set(Attribute.AMOUNT_DUE, TOTAL)
                .set(Attribute.AMOUNT_PAID, ZERO).set(Attribute.AMOUNT_CREDITED, ZERO)
                .set(Attribute.PAYMENT_STATUS, "AUTHORISED"), now);
        ledger.putInvoiceIndex(TENANT_ID, INVOICE_ID, KEY, now);

        accounting.invoices.add(new AccountingInvoice(INVOICE_ID, "INV-0001", "HS-48000000001", "PAID", "ZAR",
                new BigDecimal("11500.00"), new BigDecimal("1725.00"), TOTAL, ZERO, TOTAL, ZERO, now));
    }

    @Test
    void paidInvoiceSendsOneOnboardingTrigger() {
        SQSBatchResponse response = handler().handleRequest(sampleEvent(), null);

        assertThat(response).isNotNull();
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(HandoffState.ONBOARDING_SENT);
        assertThat(crm.updates).anySatisfy(update -> assertThat(update.properties()).containsEntry(CrmProperties.INVOICE_STATUS, "PAID"));
        List<Message> triggers = engines.receiveAll("OnboardingQueue");
        assertThat(triggers).hasSize(1);
        assertThat(triggers.get(0).body()).contains("\"invoiceId\":\"" + INVOICE_ID + "\"");
    }

    @ParameterizedTest(name = "body {0}")
    @ValueSource(strings = {"not JSON", "", "null", "{}", "{\"tenantId\":\"0c6f0a3e-0000-4000-8000-0000000000aa\"}"})
    void malformedRecordFailsAlone(String body) {
        SQSEvent event = batchWithOtherFirst(body);

        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response).isNotNull();
        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(OTHER_MESSAGE_ID);
        assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(HandoffState.ONBOARDING_SENT);
        assertThat(engines.receiveAll("OnboardingQueue")).hasSize(1);
    }

    @Test
    void invoiceNotRaisedByHandoffIsSkipped() {
        // Xero sends events for every invoice of the organisation, most of them raised by people, not by Handoff.
        SQSEvent event = batchWithOtherFirst("{\"tenantId\":\"" + TENANT_ID
                + "\",\"invoiceId\":\"00000000-1111-4000-8000-000000000000\",\"eventDateUtc\":\"2026-02-27T21:55:10Z\"}");
        event.setRecords(event.getRecords().subList(0, 1));

        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(crm.updates).isEmpty();
        assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(engines.receiveAll("OnboardingQueue")).isEmpty();
    }

    @Test
    void redeliveredEventSendsNoSecondTrigger() {
        handler().handleRequest(sampleEvent(), null);

        SQSBatchResponse response = handler().handleRequest(sampleEvent(), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(engines.receiveAll("OnboardingQueue")).hasSize(1);
    }

    @Test
    void eventWithoutRecordsReturnsNoFailures() {
        SQSEvent withoutRecords = new SQSEvent();
        SQSEvent emptyRecords = new SQSEvent();
        emptyRecords.setRecords(List.of());

        SQSBatchResponse nullResponse = handler().handleRequest(withoutRecords, null);
        SQSBatchResponse emptyResponse = handler().handleRequest(emptyRecords, null);

        assertThat(nullResponse).isNotNull();
        assertThat(nullResponse.getBatchItemFailures()).isEmpty();
        assertThat(emptyResponse).isNotNull();
        assertThat(emptyResponse.getBatchItemFailures()).isEmpty();
    }

    private PaymentStatusSyncHandler handler() {
        PaymentStatusSyncService service = new PaymentStatusSyncService(ledger, accounting, new CrmStatusWriter(crm, ledger, clock),
                new QueuePublisher(engines.sqs()), OnboardingRule.fullyPaid(), engines.queueUrl("OnboardingQueue"), clock);
        return new PaymentStatusSyncHandler(service);
    }

    private static SQSEvent sampleEvent() {
        return EventLoader.loadSQSEvent(RepositoryRoot.find().resolve("events/sqs-payment-event.json").toString());
    }

    /** Returns a batch of two records: a copy of the sample with {@code body} and its own message id, then the sample. */
    private static SQSEvent batchWithOtherFirst(String body) {
        return EngineTestData.batchWithRecordFirst(PaymentStatusSyncHandlerTest::sampleEvent, OTHER_MESSAGE_ID, body);
    }
}
