package dev.handoff.function.invoice;

import dev.handoff.testing.FakeAccounting;
import dev.handoff.testing.FakeCrm;
import dev.handoff.testing.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.message.QueuePublisher;
import dev.handoff.service.CrmStatusWriter;
import dev.handoff.service.HandoffBlocker;
import dev.handoff.service.InvoiceCreationService;
import dev.handoff.service.InvoiceDrafter;
import dev.handoff.testing.EngineTestData;
import dev.handoff.testing.HandlerEngineFixture;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The invoice-creation handler driven by the sample SQS event in {@code events/}, on the real ledger (dynalite),
 * with in-memory CRM and accounting fakes. Each test starts with the sample's handoff at CUSTOMER_READY.
 */
@ExtendWith(LocalEnginesExtension.class)
class InvoiceCreationHandlerTest {

    private static final String TENANT_ID = "0c6f0a3e-0000-4000-8000-0000000000aa";
    private static final String DEAL_ID = "48000000001";
    private static final HandoffKey KEY = HandoffKey.parse("hubspot:9999999:48000000001");
    private static final String CONTACT_ID = "5d1c2b3a-0000-4000-8000-0000000000c9";
    private static final String OTHER_MESSAGE_ID = "0b4d1f2a-0000-4000-8000-0000000000ff";

    private final HandlerEngineFixture engines;
    private final Ledger ledger;
    private final FakeCrm crm = new FakeCrm();
    private final FakeAccounting accounting = new FakeAccounting();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T06:00:00Z"), ZoneOffset.UTC);

    InvoiceCreationHandlerTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.engines = new HandlerEngineFixture(dynamoDb, sqs, resources);
        this.ledger = engines.ledger();
    }

    // Tests in this class share one table, and all of them use the sample's handoff.
    @BeforeEach
    void customerReadyHandoff() {
        engines.emptyLedger();

        crm.put(Fixtures.wonDeal(DEAL_ID, Fixtures.company()));
        Handoff received = ledger.openHandoff(KEY, TENANT_ID, "9999999:3000000001", clock.instant());
        ledger.transition(received, HandoffState.CUSTOMER_READY,
                HandoffChange.none().set(Attribute.CUSTOMER_ID, CONTACT_ID).set(Attribute.TENANT_ID, TENANT_ID), clock.instant());
    }

    @Test
    void sampleMessageRaisesOneInvoice() {
        SQSBatchResponse response = handler().handleRequest(sampleEvent(), null);

        assertThat(response).isNotNull();
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(accounting.invoices).hasSize(1);
        assertThat(accounting.invoices.get(0).reference()).isEqualTo("HS-48000000001");
        assertThat(accounting.idempotencyKeys).containsExactly("hs-9999999-deal-48000000001-inv-v1");
        Handoff handoff = ledger.find(KEY).orElseThrow();
        assertThat(handoff.state()).isEqualTo(HandoffState.INVOICED);
        assertThat(handoff.invoiceId()).isEqualTo(accounting.invoices.get(0).invoiceId());
        assertThat(crm.updates).anySatisfy(update -> assertThat(update.properties()).containsEntry(CrmProperties.INVOICE_NUMBER, "INV-0001"));
    }

    @Test
    void redeliveredMessageRaisesNoSecondInvoice() {
        handler().handleRequest(sampleEvent(), null);

        SQSBatchResponse response = handler().handleRequest(sampleEvent(), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(accounting.invoices).hasSize(1);
        assertThat(accounting.idempotencyKeys).hasSize(1);
    }

    @ParameterizedTest(name = "body {0}")
    @ValueSource(strings = {"not JSON", "", "null", "{}", "{\"handoffKey\":\"\"}"})
    void malformedRecordFailsAlone(String body) {
        SQSEvent event = batchWithOtherFirst(body);

        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response).isNotNull();
        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(OTHER_MESSAGE_ID);
        assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void unknownHandoffFailsAlone() {
        SQSEvent event = batchWithOtherFirst("{\"handoffKey\":\"hubspot:9999999:48000000999\"}");

        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(OTHER_MESSAGE_ID);
        assertThat(ledger.find(HandoffKey.parse("hubspot:9999999:48000000999"))).isEmpty();
        assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
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

    private InvoiceCreationHandler handler() {
        CrmStatusWriter crmStatus = new CrmStatusWriter(crm, ledger, clock);
        InvoiceDrafter drafter = new InvoiceDrafter(ZoneId.of("Africa/Johannesburg"), 30, PriceBasis.EXCLUSIVE, "AUTHORISED", "200",
                TaxCategory.STANDARD);
        InvoiceCreationService service = new InvoiceCreationService(ledger, crm, accounting, drafter, crmStatus,
                new HandoffBlocker(ledger, crmStatus, clock), new BigDecimal("15.00"), new QueuePublisher(engines.sqs()),
                engines.queueUrl("PaymentEventQueue"), clock, WonStages.parse("default:closedwon"));
        return new InvoiceCreationHandler(service);
    }

    private static SQSEvent sampleEvent() {
        return EventLoader.loadSQSEvent(RepositoryRoot.find().resolve("events/sqs-invoice-request.json").toString());
    }

    /** Returns a batch of two records: a copy of the sample with {@code body} and its own message id, then the sample. */
    private static SQSEvent batchWithOtherFirst(String body) {
        return EngineTestData.batchWithRecordFirst(InvoiceCreationHandlerTest::sampleEvent, OTHER_MESSAGE_ID, body);
    }
}
