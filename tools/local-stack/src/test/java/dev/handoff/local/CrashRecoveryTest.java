package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.xero.XeroClient;
import dev.handoff.config.OnboardingRule;
import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.hubspot.HubSpotClient;
import dev.handoff.crm.hubspot.HubSpotSignatureVerifier;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.function.customer.CustomerUpsertHandler;
import dev.handoff.function.invoice.InvoiceCreationHandler;
import dev.handoff.function.paymentsync.PaymentStatusSyncHandler;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.CrashInjection.SimulatedCrash;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.message.Json;
import dev.handoff.message.OnboardingTrigger;
import dev.handoff.message.PaymentEventMessage;
import dev.handoff.message.QueuePublisher;
import dev.handoff.observability.Metrics;
import dev.handoff.service.CrmStatusWriter;
import dev.handoff.service.CustomerUpsertService;
import dev.handoff.service.DealChangeService;
import dev.handoff.service.DealWonIntakeService;
import dev.handoff.service.HandoffBlocker;
import dev.handoff.service.InvoiceCreationService;
import dev.handoff.service.InvoiceDrafter;
import dev.handoff.service.PaymentStatusSyncService;
import dev.handoff.service.WebhookRequest;
import dev.handoff.simulator.hubspot.HubSpotSimulator;
import dev.handoff.simulator.xero.XeroSimulator;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Crashes one run of a deal's handoff at one point: just before or just after an external call (CRM,
 * accounting, SQS send) or a ledger write. The webhook and the SQS messages are then delivered again. Every point
 * gets its own run, and each run must end with exactly one customer, one invoice and one onboarding trigger.
 *
 * <p>The run uses the local engines (dynalite, ElasticMQ), the HubSpot and Xero simulators, the real HTTP adapters
 * and the real function handlers. Only the Lambda runtime is replaced by a loop that receives each queue and puts
 * a message back when its invocation crashed. The payment webhook step is replaced by sending the payment event
 * that payment-status-callback would send.
 */
@ExtendWith(LocalEnginesExtension.class)
class CrashRecoveryTest {

    private static final String SECRET = LocalSettings.HUBSPOT_CLIENT_SECRET;
    private static final String PUBLIC_URL = "https://hooks.example.test/hubspot/webhook";
    private static final Set<String> LEDGER_WRITES = Set.of("putItem", "updateItem", "deleteItem");
    private static final Set<String> QUEUE_SENDS = Set.of("sendMessage", "sendMessageBatch");
    private static final int MAX_ROUNDS = 40;
    private static final AtomicLong DEALS = new AtomicLong(48_000_300_000L);

    private static HubSpotSimulator hubspot;
    private static XeroSimulator xero;

    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final ProvisionedResources resources;

    CrashRecoveryTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.resources = resources;
    }

    @BeforeAll
    static void startSimulators() {
        hubspot = HubSpotSimulator.start(0, LocalSettings.HUBSPOT_ACCESS_TOKEN);
        xero = XeroSimulator.builder().tenant(LocalSettings.TENANT_ID).accessToken(LocalSettings.XERO_ACCESS_TOKEN)
                .port(0).start();
    }

    @AfterAll
    static void stopSimulators() {
        if (xero != null) {
            xero.close();
        }
        if (hubspot != null) {
            hubspot.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> crashAtEveryPointRecovers() {
        CrashInjection counting = new CrashInjection(-1);
        Result clean = new Pipeline(counting).run(nextDeal());
        assertThat(clean.invoices()).isEqualTo(1);
        int points = 2 * counting.calls();

        return IntStream.range(0, points).mapToObj(point -> DynamicTest.dynamicTest("crash at point " + point, () -> {
            CrashInjection crash = new CrashInjection(point);
            Result result = new Pipeline(crash).run(nextDeal());

            assertThat(crash.crashed()).as("crash fired").isTrue();
            assertThat(result.customers()).as("customers after crash at %s", crash.crashedCall()).isEqualTo(1);
            assertThat(result.invoices()).as("invoices after crash at %s", crash.crashedCall()).isEqualTo(1);
            assertThat(result.triggers()).as("onboarding triggers after crash at %s", crash.crashedCall()).isEqualTo(1);
            assertThat(result.state()).as("state after crash at %s", crash.crashedCall())
                    .isEqualTo(HandoffState.ONBOARDING_SENT);
        }));
    }

    @TestFactory
    Stream<DynamicTest> cleanRunHasCrashPoints() {
        CrashInjection counting = new CrashInjection(-1);
        Result clean = new Pipeline(counting).run(nextDeal());

        return Stream.of(DynamicTest.dynamicTest("clean run", () -> {
            assertThat(counting.calls()).isGreaterThan(10);
            assertThat(clean.state()).isEqualTo(HandoffState.ONBOARDING_SENT);
            assertThat(clean.triggers()).isEqualTo(1);
        }));
    }

    /** Counts what one deal's run left behind. */
    record Result(int customers, int invoices, int triggers, HandoffState state) {
    }

    /** Seeds a deal with its own company and VAT number, so no run adopts another run's contact. */
    private String nextDeal() {
        String dealId = Long.toString(DEALS.incrementAndGet());
        LocalHandoffFixtures.seedReadyDeal(hubspot, dealId, "Crash Test Trading " + dealId + " (Pty) Ltd",
                "accounts-" + dealId + "@crash-test.example.test", "4" + dealId.substring(dealId.length() - 9));
        return dealId;
    }

    /** One deal's handoff through intake and the three consumers, with every collaborator wrapped by the crash. */
    private final class Pipeline {

        private final Clock clock = Clock.systemUTC();
        private final Ledger ledger;
        private final DealWonIntakeService intake;
        private final CustomerUpsertHandler customerUpsert;
        private final InvoiceCreationHandler invoiceCreation;
        private final PaymentStatusSyncHandler paymentSync;

        Pipeline(CrashInjection crash) {
            DynamoDbClient ledgerDb = crash.wrap(DynamoDbClient.class, dynamoDb, LEDGER_WRITES);
            SqsClient queueClient = crash.wrap(SqsClient.class, sqs, QUEUE_SENDS);
            CrmClient crm = crash.wrapAll(CrmClient.class, HubSpotClient.builder(() -> LocalSettings.HUBSPOT_ACCESS_TOKEN,
                    LocalSettings.PORTAL_ID).baseUrl(hubspot.baseUrl()).clock(clock).build());
            AccountingClient accounting = crash.wrapAll(AccountingClient.class, XeroClient.builder(LocalSettings.TENANT_ID,
                    () -> LocalSettings.XERO_ACCESS_TOKEN).baseUrl(xero.baseUrl()).standardRate(new BigDecimal("15.00")).build());
            ledger = new Ledger(ledgerDb, resources.tableName("LedgerTable"));
            QueuePublisher queue = new QueuePublisher(queueClient);
            CrmStatusWriter crmStatus = new CrmStatusWriter(crm, ledger, clock);
            HandoffBlocker blocker = new HandoffBlocker(ledger, crmStatus, clock);
            WonStages won = WonStages.parse("default:closedwon");

            intake = new DealWonIntakeService(new HubSpotSignatureVerifier(SECRET, clock), ledger, queue, won,
                    LocalSettings.TENANT_ID, LocalSettings.PORTAL_ID, resources.queueUrl("DealWonQueue"),
                    new Metrics("crash-test", clock, line -> { }), clock);
            customerUpsert = new CustomerUpsertHandler(new CustomerUpsertService(ledger, crm, accounting, queue, blocker, won,
                    LocalSettings.TENANT_ID, resources.queueUrl("InvoiceRequestQueue"), clock),
                    new DealChangeService(ledger, crm, blocker, won, LocalSettings.TENANT_ID, clock));
            InvoiceDrafter drafter = new InvoiceDrafter(ZoneId.of("Africa/Johannesburg"), 30, PriceBasis.EXCLUSIVE,
                    "AUTHORISED", "200", TaxCategory.STANDARD);
            invoiceCreation = new InvoiceCreationHandler(new InvoiceCreationService(ledger, crm, accounting, drafter, crmStatus,
                    blocker, new BigDecimal("15.00"), queue, resources.queueUrl("PaymentEventQueue"), clock, won));
            paymentSync = new PaymentStatusSyncHandler(new PaymentStatusSyncService(ledger, accounting, crmStatus, queue,
                    OnboardingRule.fullyPaid(), resources.queueUrl("OnboardingQueue"), clock));
        }

        Result run(String dealId) {
            HandoffKey key = HandoffKey.hubspot(LocalSettings.PORTAL_ID, dealId);
            long eventId = Long.parseLong(dealId) + 1_000_000_000L;
            deliverWebhook(dealId, eventId);

            boolean paid = false;
            for (int round = 0; round < MAX_ROUNDS; round++) {
                boolean busy = consume("DealWonQueue", event -> customerUpsert.handleRequest(event, null));
                busy |= consume("InvoiceRequestQueue", event -> invoiceCreation.handleRequest(event, null));
                Handoff handoff = ledger.find(key).orElse(null);
                if (!paid && handoff != null && handoff.state() == HandoffState.INVOICED) {
                    pay(handoff);
                    paid = true;
                    busy = true;
                }
                busy |= consume("PaymentEventQueue", event -> paymentSync.handleRequest(event, null));
                if (!busy && handoff != null && handoff.state() == HandoffState.ONBOARDING_SENT) {
                    break;
                }
            }
            return new Result(customers(dealId), invoices(dealId), triggers(dealId),
                    ledger.find(key).map(Handoff::state).orElse(null));
        }

        /** Delivers the webhook until the intake returns 200, as HubSpot retries a delivery that failed. */
        private void deliverWebhook(String dealId, long eventId) {
            for (int attempt = 0; attempt < 5; attempt++) {
                try {
                    if (intake.handle(signedWebhook(dealId, eventId, attempt)).statusCode() == 200) {
                        return;
                    }
                } catch (SimulatedCrash crash) {
                    // HubSpot gets no response and sends the event again.
                }
            }
            throw new AssertionError("The webhook for deal " + dealId + " was never accepted");
        }

        /** Pays the invoice in full in the Xero simulator and queues the event that the payment callback sends. */
        private void pay(Handoff handoff) {
            ObjectNode invoice = xero.invoices(LocalSettings.TENANT_ID).stream()
                    .filter(node -> handoff.invoiceId().equals(node.path("InvoiceID").asText()))
                    .findFirst().orElseThrow();
            xero.recordPayment(LocalSettings.TENANT_ID, handoff.invoiceId(), invoice.path("AmountDue").decimalValue());
            sqs.sendMessage(request -> request.queueUrl(resources.queueUrl("PaymentEventQueue"))
                    .messageBody(Json.write(new PaymentEventMessage(LocalSettings.TENANT_ID, handoff.invoiceId(),
                            clock.instant().toString()))));
        }

        /**
         * Receives one batch and hands it to the function, deleting what it handled. A crashed invocation and
         * every reported failure put their messages back at once. Returns whether there was a batch.
         */
        private boolean consume(String queue, Function<SQSEvent, SQSBatchResponse> function) {
            String url = resources.queueUrl(queue);
            List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(0).visibilityTimeout(30)).messages();
            if (messages.isEmpty()) {
                return false;
            }
            Set<String> failed = new HashSet<>();
            try {
                SQSBatchResponse response = function.apply(event(queue, messages));
                response.getBatchItemFailures().forEach(failure -> failed.add(failure.getItemIdentifier()));
            } catch (SimulatedCrash crash) {
                messages.forEach(message -> failed.add(message.messageId()));
            }
            for (Message message : messages) {
                if (failed.contains(message.messageId())) {
                    sqs.changeMessageVisibility(request -> request.queueUrl(url).receiptHandle(message.receiptHandle())
                            .visibilityTimeout(0));
                } else {
                    sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
                }
            }
            return true;
        }

        private SQSEvent event(String queue, List<Message> messages) {
            List<SQSEvent.SQSMessage> records = new ArrayList<>();
            for (Message message : messages) {
                SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
                record.setMessageId(message.messageId());
                record.setBody(message.body());
                record.setEventSourceArn(resources.queueArns().get(queue));
                records.add(record);
            }
            SQSEvent event = new SQSEvent();
            event.setRecords(records);
            return event;
        }

        private WebhookRequest signedWebhook(String dealId, long eventId, int attempt) {
            byte[] bytes = LocalHandoffFixtures.wonEventBody(eventId, dealId, attempt);
            String timestamp = Long.toString(clock.millis());
            String signature = HubSpotSignatureVerifier.signV3(SECRET, "POST", PUBLIC_URL, bytes, timestamp);
            return new WebhookRequest("POST", PUBLIC_URL,
                    Map.of("X-HubSpot-Signature-v3", signature, "X-HubSpot-Request-Timestamp", timestamp), bytes);
        }
    }

    private int customers(String dealId) {
        String companyId = LocalHandoffFixtures.companyIdFor(dealId);
        return (int) xero.contacts(LocalSettings.TENANT_ID).stream()
                .filter(contact -> companyId.equals(contact.path("ContactNumber").asText()))
                .count();
    }

    private int invoices(String dealId) {
        return (int) xero.invoices(LocalSettings.TENANT_ID).stream()
                .filter(invoice -> ("HS-" + dealId).equals(invoice.path("Reference").asText()))
                .count();
    }

    /** Receives and deletes the onboarding triggers of this deal. Other deals' triggers stay on the queue. */
    private int triggers(String dealId) {
        String url = resources.queueUrl("OnboardingQueue");
        int count = 0;
        while (true) {
            List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                return count;
            }
            for (Message message : messages) {
                if (dealId.equals(Json.read(message.body(), OnboardingTrigger.class).dealId())) {
                    count++;
                }
                sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
    }
}
