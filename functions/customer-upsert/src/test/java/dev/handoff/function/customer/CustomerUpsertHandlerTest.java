package dev.handoff.function.customer;

import dev.handoff.testing.FakeAccounting;
import dev.handoff.testing.FakeCrm;
import dev.handoff.testing.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.handoff.config.WonStages;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.message.QueuePublisher;
import dev.handoff.service.CrmStatusWriter;
import dev.handoff.service.CustomerUpsertService;
import dev.handoff.service.DealChangeService;
import dev.handoff.service.HandoffBlocker;
import dev.handoff.testing.EngineTestData;
import dev.handoff.testing.HandlerEngineFixture;
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
 * The customer-upsert handler driven by the sample SQS event in {@code events/}, on the real ledger (dynalite)
 * and invoice-request queue (ElasticMQ), with in-memory CRM and accounting fakes.
 */
@ExtendWith(LocalEnginesExtension.class)
class CustomerUpsertHandlerTest {

    private static final String TENANT_ID = "0c6f0a3e-0000-4000-8000-0000000000aa";
    private static final String DEAL_ID = "48000000001";
    private static final HandoffKey KEY = HandoffKey.parse("hubspot:9999999:48000000001");
    private static final String MALFORMED_MESSAGE_ID = "0b4d1f2a-0000-4000-8000-0000000000ff";

    private final HandlerEngineFixture engines;
    private final Ledger ledger;
    private final FakeCrm crm = new FakeCrm();
    private final FakeAccounting accounting = new FakeAccounting();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T06:00:00Z"), ZoneOffset.UTC);

    CustomerUpsertHandlerTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.engines = new HandlerEngineFixture(dynamoDb, sqs, resources);
        this.ledger = engines.ledger();
    }

    // Tests in this class share one table and queue, and all of them use the sample's handoff.
    @BeforeEach
    void emptyLedgerAndQueue() {
        engines.emptyLedger();
        engines.purgeQueue("InvoiceRequestQueue");
        crm.put(Fixtures.wonDeal(DEAL_ID, Fixtures.company()));
    }

    @Test
    void sampleMessageMakesCustomerReady() {
        SQSBatchResponse response = handler().handleRequest(sampleEvent(), null);

        assertThat(response).isNotNull();
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(accounting.contacts).hasSize(1);
        assertThat(accounting.contacts.get(0).contactNumber()).isEqualTo("7001");
        List<Message> requests = engines.receiveAll("InvoiceRequestQueue");
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).body()).isEqualTo("{\"handoffKey\":\"hubspot:9999999:48000000001\"}");
    }

    @ParameterizedTest(name = "body {0}")
    @ValueSource(strings = {"not JSON", "", "null", "[]", "{}", "{\"eventKey\":\"9999999:3000000001\"}"})
    void malformedRecordFailsAlone(String body) {
        SQSEvent event = batchWithMalformedFirst(body);

        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(event.getRecords()).hasSize(2);
        assertThat(response).isNotNull();
        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(MALFORMED_MESSAGE_ID);
        assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(engines.receiveAll("InvoiceRequestQueue")).hasSize(1);
    }

    @Test
    void dealMissingFromCrmBlocksWithoutFailure() {
        // A deleted or merged deal is a data problem for a person, so redelivering the message cannot help.
        crm.remove(DEAL_ID);

        SQSBatchResponse response = handler().handleRequest(sampleEvent(), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(HandoffState.BLOCKED);
        assertThat(ledger.find(KEY).orElseThrow().blockedFields()).containsExactly("deal");
        assertThat(accounting.contacts).isEmpty();
        assertThat(engines.receiveAll("InvoiceRequestQueue")).isEmpty();
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

    private CustomerUpsertHandler handler() {
        CrmStatusWriter crmStatus = new CrmStatusWriter(crm, ledger, clock);
        HandoffBlocker blocker = new HandoffBlocker(ledger, crmStatus, clock);
        WonStages wonStages = WonStages.parse("default:closedwon");
        CustomerUpsertService service = new CustomerUpsertService(ledger, crm, accounting, new QueuePublisher(engines.sqs()),
                blocker, wonStages, TENANT_ID, engines.queueUrl("InvoiceRequestQueue"), clock);
        return new CustomerUpsertHandler(service, new DealChangeService(ledger, crm, blocker, wonStages, TENANT_ID, clock));
    }

    private static SQSEvent sampleEvent() {
        return EventLoader.loadSQSEvent(RepositoryRoot.find().resolve("events/sqs-deal-won.json").toString());
    }

    /** Returns a batch of two records: a copy of the sample with {@code body} and its own message id, then the sample. */
    private static SQSEvent batchWithMalformedFirst(String body) {
        return EngineTestData.batchWithRecordFirst(CustomerUpsertHandlerTest::sampleEvent, MALFORMED_MESSAGE_ID, body);
    }
}
