package dev.handoff.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.config.OnboardingRule;
import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmProperties;
import dev.handoff.crm.hubspot.HubSpotSignatureVerifier;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.DataException;
import dev.handoff.error.RetryableException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.message.DealWonMessage;
import dev.handoff.message.InvoiceRequestMessage;
import dev.handoff.message.OnboardingTrigger;
import dev.handoff.message.PaymentEventMessage;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The four services chained by hand on the real ledger (dynalite) and real queues (ElasticMQ), with in-memory
 * CRM and accounting fakes. Each test uses its own deal so the shared table and queues do not interfere.
 */
@ExtendWith(LocalEnginesExtension.class)
class HandoffFlowTest {

    private static final String SECRET = "test-only-hubspot-client-secret-0000";
    private static final String PUBLIC_URL = "https://hooks.example.test/hubspot/webhook";
    /** The X-HubSpot-Request-Timestamp of HubSpot's delivery of event 3000000001. */
    private static final String CASE_TIMESTAMP = "1760000000000";
    private static final AtomicLong DEALS = new AtomicLong(48_000_100_000L);

    private final SqsClient sqs;
    private final ProvisionedResources resources;
    private final Ledger ledger;
    private final FakeCrm crm = new FakeCrm();
    private final FakeAccounting accounting = new FakeAccounting();
    private final Metrics metrics = new Metrics("test", Clock.systemUTC(), line -> { });
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T06:00:00Z"), ZoneOffset.UTC);
    private final String dealId = Long.toString(DEALS.incrementAndGet());
    private final HandoffKey key = HandoffKey.hubspot(Fixtures.PORTAL_ID, dealId);
    // Customer links persist in the shared table, so each test's deal has its own company.
    private final String companyId = "7" + dealId.substring(dealId.length() - 6);

    HandoffFlowTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.sqs = sqs;
        this.resources = resources;
        this.ledger = new Ledger(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeAll
    static void awaitTable(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        EngineTestData.awaitTable(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeEach
    void seedDeal() {
        crm.put(Fixtures.wonDeal(dealId, Fixtures.company(companyId)));
        for (String queue : List.of("DealWonQueue", "InvoiceRequestQueue", "PaymentEventQueue", "OnboardingQueue")) {
            sqs.purgeQueue(request -> request.queueUrl(resources.queueUrl(queue)));
        }
    }

    @Test
    void wonDealEndsInvoicedPaidAndOnboarded() {
        assertThat(intake().handle(signedWebhook(3_000_000_101L, 0)).statusCode()).isEqualTo(200);

        runCustomerUpsert();
        runInvoiceCreation();

        Handoff invoiced = handoff();
        assertThat(invoiced.state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
        assertThat(accounting.contactsCreated).isEqualTo(1);
        assertThat(accounting.idempotencyKeys).containsExactly("hs-9999999-deal-" + dealId + "-inv-v1");
        assertThat(accounting.invoiceRequests.get(0).date()).hasToString("2026-03-01");
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.INVOICE_NUMBER, "INV-0001")
                .containsEntry(CrmProperties.INVOICE_STATUS, "AUTHORISED")
                .containsEntry(CrmProperties.AMOUNT_DUE, "13225.00");

        AccountingInvoice invoice = accounting.invoices.get(0);
        accounting.pay(invoice.invoiceId(), invoice.total());
        runPaymentSync(invoice.invoiceId(), OnboardingRule.fullyPaid());

        assertThat(handoff().state()).isEqualTo(HandoffState.ONBOARDING_SENT);
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.HANDOFF_STATUS, "ONBOARDING_SENT");
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.INVOICE_STATUS, "PAID")
                .containsEntry(CrmProperties.AMOUNT_DUE, "0.00");
        List<OnboardingTrigger> triggers = drain("OnboardingQueue", OnboardingTrigger.class);
        assertThat(triggers).hasSize(1);
        assertThat(triggers.get(0).dealId()).isEqualTo(dealId);
    }

    @Test
    void repeatedDeliveryYieldsOneInvoice() {
        // HubSpot re-sends an event whose first delivery was acknowledged too slowly: same eventId, next attempt.
        DealWonIntakeService intake = intake();
        assertThat(intake.handle(signedWebhook(3_000_000_201L, 0)).statusCode()).isEqualTo(200);
        assertThat(intake.handle(signedWebhook(3_000_000_201L, 1)).statusCode()).isEqualTo(200);

        List<DealWonMessage> messages = drain("DealWonQueue", DealWonMessage.class);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).eventKey()).isEqualTo("9999999:3000000201");
        customerUpsert().process(messages.get(0));
        runInvoiceCreation();

        assertThat(accounting.invoices).hasSize(1);
    }

    /**
     * HubSpot's won event 3000000001 for deal 48000000001, signed at 1760000000000 ms and received at
     * 1760000060000 ms, with attempt 0 and then attempt 1. The retry arrives while the downstream work of the
     * first delivery is still busy, because HubSpot re-sends a delivery whose response came too late.
     */
    @Test
    void retryDuringSlowWorkYieldsOneInvoice() throws Exception {
        String caseDealId = "48000000001";
        crm.put(Fixtures.wonDeal(caseDealId, Fixtures.company("7000000001")));
        Clock received = Clock.fixed(Instant.ofEpochMilli(1_760_000_060_000L), ZoneOffset.UTC);
        DealWonIntakeService intake = intake(received);

        WebhookResponse first = intake.handle(caseDelivery(0, "oOcv4q7uNZiu4/wEVXhK5N4WV0xpbURxG1Zte2UGLgk="));
        assertThat(first.statusCode()).isEqualTo(200);
        List<DealWonMessage> enqueued = drainByBody("DealWonQueue", DealWonMessage.class, caseDealId);
        assertThat(enqueued).hasSize(1);
        assertThat(enqueued.get(0).eventKey()).isEqualTo("9999999:3000000001");

        // The downstream work starts and stays busy reading the deal, as a slow handler would for 6 s.
        HeldCrm heldCrm = new HeldCrm(crm);
        CompletableFuture<CustomerUpsertService.Outcome> downstream =
                CompletableFuture.supplyAsync(() -> customerUpsert(accounting, heldCrm).process(enqueued.get(0)));
        assertThat(heldCrm.readStarted.await(HeldCrm.HOLD_LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        byte[] retryBody = caseBody(1);
        String retrySignature = HubSpotSignatureVerifier.signV3(SECRET, "POST", PUBLIC_URL, retryBody, CASE_TIMESTAMP);
        WebhookResponse second = intake.handle(caseRequest(retryBody, retrySignature));

        assertThat(downstream).isNotDone();
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("Accepted 0 deal(s)");
        assertThat(second.body()).contains("1 repeat(s)");
        assertThat(metrics.total(DealWonIntakeService.DUPLICATE_DELIVERY_METRIC)).isEqualTo(1);
        assertThat(drainByBody("DealWonQueue", DealWonMessage.class, caseDealId)).isEmpty();
        assertThat(accounting.contactsCreated).isZero();

        heldCrm.release.countDown();
        downstream.get(HeldCrm.HOLD_LIMIT_SECONDS, TimeUnit.SECONDS);
        for (InvoiceRequestMessage request : drainByBody("InvoiceRequestQueue", InvoiceRequestMessage.class, caseDealId)) {
            invoiceCreation().process(request);
        }

        assertThat(accounting.invoices).hasSize(1);
        assertThat(accounting.idempotencyKeys).containsExactly("hs-9999999-deal-48000000001-inv-v1");
        assertThat(ledger.find(HandoffKey.hubspot(Fixtures.PORTAL_ID, caseDealId)).orElseThrow().state())
                .isEqualTo(HandoffState.INVOICED);
    }

    @Test
    void secondWonEventIsNoOp() {
        intake().handle(signedWebhook(3_000_000_301L, 0));
        runCustomerUpsert();
        runInvoiceCreation();

        intake().handle(signedWebhook(3_000_000_302L, 0));

        assertThat(drain("DealWonQueue", DealWonMessage.class)).isEmpty();
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void timedOutCreateIsAdoptedOnRetry() {
        intake().handle(signedWebhook(3_000_000_401L, 0));
        runCustomerUpsert();
        List<InvoiceRequestMessage> requests = drain("InvoiceRequestQueue", InvoiceRequestMessage.class);
        accounting.timeoutsAfterCreate = 1;

        InvoiceCreationService invoices = invoiceCreation();
        assertThatThrownBy(() -> invoices.process(requests.get(0))).isInstanceOf(RetryableException.class);
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICE_IN_FLIGHT);

        assertThat(invoices.process(requests.get(0))).isEqualTo(InvoiceCreationService.Outcome.ADOPTED);

        assertThat(accounting.invoices).hasSize(1);
        assertThat(accounting.idempotencyKeys).containsOnly("hs-9999999-deal-" + dealId + "-inv-v1");
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(handoff().invoiceId()).isEqualTo(accounting.invoices.get(0).invoiceId());
    }

    @Test
    void retryWithoutFoundInvoiceResendsSameKey() {
        // The reference search does not see the invoice yet, so the retry creates again with the same key,
        // and the accounting system returns the invoice it already made.
        FakeAccounting searchLagging = new FakeAccounting() {
            @Override
            public List<AccountingInvoice> findInvoicesByReference(String reference) {
                return List.of();
            }
        };
        searchLagging.timeoutsAfterCreate = 1;
        intake().handle(signedWebhook(3_000_000_451L, 0));
        runCustomerUpsert();
        InvoiceRequestMessage request = drain("InvoiceRequestQueue", InvoiceRequestMessage.class).get(0);
        InvoiceCreationService invoices = invoiceCreation(searchLagging);

        assertThatThrownBy(() -> invoices.process(request)).isInstanceOf(RetryableException.class);
        assertThat(invoices.process(request)).isEqualTo(InvoiceCreationService.Outcome.INVOICED);

        assertThat(searchLagging.invoices).hasSize(1);
        assertThat(searchLagging.idempotencyKeys).containsExactly("hs-9999999-deal-" + dealId + "-inv-v1",
                "hs-9999999-deal-" + dealId + "-inv-v1");
        assertThat(handoff().invoiceId()).isEqualTo(searchLagging.invoices.get(0).invoiceId());
    }

    @Test
    void missingBillingDataBlocksWithNote() {
        crm.put(Fixtures.wonDeal(dealId, new dev.handoff.crm.CrmCompany(companyId, "Example Trading", null, null, null, null, null)));
        intake().handle(signedWebhook(3_000_000_501L, 0));

        runCustomerUpsert();

        Handoff blocked = handoff();
        assertThat(blocked.state()).isEqualTo(HandoffState.BLOCKED);
        assertThat(blocked.blockedFields()).containsExactly("company.billing_email", "company.billing_address");
        assertThat(blocked.resumeState()).isEqualTo(HandoffState.RECEIVED);
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.HANDOFF_STATUS, "BLOCKED");
        assertThat(crm.dealProperties(dealId).get(CrmProperties.BLOCKED_REASON)).contains("company.billing_email");
        assertThat(crm.notes).hasSize(1);
        assertThat(drain("InvoiceRequestQueue", InvoiceRequestMessage.class)).isEmpty();
        assertThat(accounting.contactsCreated).isZero();
    }

    @Test
    void fixedDealResumesAfterNewWonEvent() {
        crm.put(Fixtures.wonDeal(dealId, new dev.handoff.crm.CrmCompany(companyId, "Example Trading", null, null, null, null, null)));
        intake().handle(signedWebhook(3_000_000_601L, 0));
        runCustomerUpsert();
        assertThat(handoff().state()).isEqualTo(HandoffState.BLOCKED);

        crm.put(Fixtures.wonDeal(dealId, Fixtures.company(companyId)));
        intake().handle(signedWebhook(3_000_000_602L, 0));
        runCustomerUpsert();
        runInvoiceCreation();

        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.BLOCKED_REASON, "");
    }

    @Test
    void contactMatchedByVatIsLinkedNotCreated() {
        // Xero already has the company under another e-mail and no contact number; the VAT number matches.
        accounting.contacts.add(new AccountingContact("5d1c2b3a-0000-4000-8000-0000000000c9", null, "Example Trading (Pty) Ltd",
                "4000000000", null, "info@example-trading.test", "ACTIVE"));
        intake().handle(signedWebhook(3_000_000_701L, 0));

        runCustomerUpsert();

        assertThat(accounting.contactsCreated).isZero();
        assertThat(handoff().customerId()).isEqualTo("5d1c2b3a-0000-4000-8000-0000000000c9");
        assertThat(accounting.contacts.get(0).contactNumber()).isEqualTo(companyId);
    }

    @Test
    void nameMatchWithOtherVatHoldsForMerge() {
        accounting.contacts.add(new AccountingContact("5d1c2b3a-0000-4000-8000-0000000000d1", null, "Example Trading (Pty) Ltd",
                "4999999999", null, null, "ACTIVE"));
        intake().handle(signedWebhook(3_000_000_801L, 0));

        runCustomerUpsert();

        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff().blockedReason()).contains("CUSTOMER_MERGE").contains("possible duplicate customer");
        assertThat(accounting.contactsCreated).isZero();
    }

    @Test
    void archivedOnlyMatchHoldsForReview() {
        accounting.contacts.add(new AccountingContact("5d1c2b3a-0000-4000-8000-0000000000e1", null, "Example Trading (Pty) Ltd",
                "4000000000", null, null, "ARCHIVED"));
        intake().handle(signedWebhook(3_000_000_901L, 0));

        runCustomerUpsert();

        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff().blockedReason()).contains("CUSTOMER_MERGE").contains("archived");
        assertThat(accounting.contactsCreated).isZero();
    }

    @Test
    void rejectedContactBlocksWithoutLinkOrInvoice() {
        FakeAccounting rejecting = new FakeAccounting() {
            @Override
            public AccountingContact createContact(dev.handoff.accounting.ContactRequest request) {
                throw new DataException("Xero create contact: <validation message>", List.of("company"));
            }
        };
        intake().handle(signedWebhook(3_000_001_001L, 0));

        DealWonMessage message = drain("DealWonQueue", DealWonMessage.class).get(0);
        CustomerUpsertService.Outcome outcome = customerUpsert(rejecting).process(message);

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.BLOCKED);
        // The accounting system's text may echo customer data: it reaches the CRM deal, never the ledger.
        assertThat(handoff().blockedReason()).doesNotContain("<validation message>");
        assertThat(ledger.timeline(key)).noneMatch(event -> String.valueOf(event.detail()).contains("<validation message>"));
        assertThat(crm.dealProperties(dealId).get(CrmProperties.BLOCKED_REASON)).contains("<validation message>");
        assertThat(crm.notes).anyMatch(note -> note.text().contains("<validation message>"));
        assertThat(ledger.findCustomerLink("hubspot", Fixtures.PORTAL_ID, companyId, Fixtures.TENANT_ID)).isEmpty();
        assertThat(drain("InvoiceRequestQueue", InvoiceRequestMessage.class)).isEmpty();
    }

    @Test
    void archivedContactNumberMatchHoldsForReview() {
        accounting.contacts.add(new AccountingContact("5d1c2b3a-0000-4000-8000-0000000000f1", companyId, "Example Trading (Pty) Ltd",
                "4000000000", null, null, "ARCHIVED"));
        intake().handle(signedWebhook(3_000_000_951L, 0));

        runCustomerUpsert();

        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff().blockedReason()).contains("CUSTOMER_MERGE").contains("archived");
        assertThat(accounting.contactsCreated).isZero();
    }

    @Test
    void unreadableDealDataBlocksInsteadOfRetrying() {
        FakeCrm invalidTaxCategory = new FakeCrm() {
            @Override
            public dev.handoff.crm.CrmDeal readDeal(String id) {
                throw new DataException("HubSpot line item 9001 has an unknown handoff_tax_category",
                        List.of("line_item.9001.handoff_tax_category"));
            }
        };
        intake().handle(signedWebhook(3_000_000_961L, 0));
        DealWonMessage message = drain("DealWonQueue", DealWonMessage.class).get(0);

        CustomerUpsertService.Outcome outcome = customerUpsert(accounting, invalidTaxCategory).process(message);

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.BLOCKED);
        assertThat(handoff().blockedFields()).containsExactly("line_item.9001.handoff_tax_category");
        assertThat(invalidTaxCategory.notes).hasSize(1);
    }

    @Test
    void resumedInvoiceAdoptsOneAlreadyCreated() {
        // Xero made the invoice but returned a rejection; after the fix, the resume must not create a second.
        FakeAccounting rejectingAfterCreate = new FakeAccounting() {
            private boolean rejected;

            @Override
            public synchronized AccountingInvoice createInvoice(dev.handoff.accounting.InvoiceRequest request, String key) {
                AccountingInvoice invoice = super.createInvoice(request, key);
                if (!rejected) {
                    rejected = true;
                    throw new DataException("Xero rejected create invoice: <validation message>", List.of("invoice"));
                }
                return invoice;
            }
        };
        intake().handle(signedWebhook(3_000_000_971L, 0));
        runCustomerUpsert();
        InvoiceRequestMessage request = drain("InvoiceRequestQueue", InvoiceRequestMessage.class).get(0);
        InvoiceCreationService invoices = invoiceCreation(rejectingAfterCreate);

        assertThat(invoices.process(request)).isEqualTo(InvoiceCreationService.Outcome.BLOCKED);
        assertThat(handoff().resumeState()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(invoices.process(request)).isEqualTo(InvoiceCreationService.Outcome.ADOPTED);

        assertThat(rejectingAfterCreate.invoices).hasSize(1);
        assertThat(rejectingAfterCreate.idempotencyKeys).hasSize(1);
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
    }

    @Test
    void paymentEventDuringInFlightIsRetried() {
        intake().handle(signedWebhook(3_000_000_981L, 0));
        runCustomerUpsert();
        InvoiceRequestMessage request = drain("InvoiceRequestQueue", InvoiceRequestMessage.class).get(0);
        accounting.timeoutsAfterCreate = 1;
        assertThatThrownBy(() -> invoiceCreation().process(request)).isInstanceOf(RetryableException.class);
        AccountingInvoice created = accounting.invoices.get(0);
        ledger.putInvoiceIndex(Fixtures.TENANT_ID, created.invoiceId(), key, Instant.now(clock));

        assertThatThrownBy(() -> runPaymentSync(created.invoiceId(), OnboardingRule.fullyPaid()))
                .isInstanceOf(RetryableException.class);
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICE_IN_FLIGHT);
    }

    @Test
    void adoptedPaidInvoiceQueuesPaymentSync() {
        intake().handle(signedWebhook(3_000_000_991L, 0));
        runCustomerUpsert();
        InvoiceRequestMessage request = drain("InvoiceRequestQueue", InvoiceRequestMessage.class).get(0);
        accounting.timeoutsAfterCreate = 1;
        assertThatThrownBy(() -> invoiceCreation().process(request)).isInstanceOf(RetryableException.class);
        AccountingInvoice created = accounting.invoices.get(0);
        accounting.pay(created.invoiceId(), created.total());

        assertThat(invoiceCreation().process(request)).isEqualTo(InvoiceCreationService.Outcome.ADOPTED);

        List<PaymentEventMessage> events = drainByBody("PaymentEventQueue", PaymentEventMessage.class, created.invoiceId());
        assertThat(events).hasSize(1);
        runPaymentSync(created.invoiceId(), OnboardingRule.fullyPaid());
        assertThat(handoff().state()).isEqualTo(HandoffState.ONBOARDING_SENT);
    }

    @Test
    void redeliveredRequestQueuesMissingPaymentSync() {
        // The last attempt adopted a paid invoice and died before queuing the payment sync.
        intake().handle(signedWebhook(3_000_000_993L, 0));
        runCustomerUpsert();
        InvoiceRequestMessage request = drain("InvoiceRequestQueue", InvoiceRequestMessage.class).get(0);
        accounting.timeoutsAfterCreate = 1;
        assertThatThrownBy(() -> invoiceCreation().process(request)).isInstanceOf(RetryableException.class);
        AccountingInvoice created = accounting.invoices.get(0);
        accounting.pay(created.invoiceId(), created.total());
        invoiceCreation().process(request);
        drainByBody("PaymentEventQueue", PaymentEventMessage.class, created.invoiceId());

        assertThat(invoiceCreation().process(request)).isEqualTo(InvoiceCreationService.Outcome.ALREADY_DONE);

        assertThat(drainByBody("PaymentEventQueue", PaymentEventMessage.class, created.invoiceId())).hasSize(1);
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void partialPaymentSyncsWithoutTrigger() {
        intake().handle(signedWebhook(3_000_001_101L, 0));
        runCustomerUpsert();
        runInvoiceCreation();
        AccountingInvoice invoice = accounting.invoices.get(0);

        accounting.pay(invoice.invoiceId(), new BigDecimal("5000.00"));
        runPaymentSync(invoice.invoiceId(), OnboardingRule.fullyPaid());

        assertThat(handoff().state()).isEqualTo(HandoffState.PARTIALLY_PAID);
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.INVOICE_STATUS, "PARTIALLY_PAID")
                .containsEntry(CrmProperties.AMOUNT_PAID, "5000.00")
                .containsEntry(CrmProperties.AMOUNT_DUE, "8225.00");
        assertThat(drain("OnboardingQueue", OnboardingTrigger.class)).isEmpty();

        accounting.pay(invoice.invoiceId(), new BigDecimal("8225.00"));
        runPaymentSync(invoice.invoiceId(), OnboardingRule.fullyPaid());
        runPaymentSync(invoice.invoiceId(), OnboardingRule.fullyPaid());

        assertThat(drain("OnboardingQueue", OnboardingTrigger.class)).hasSize(1);
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.INVOICE_STATUS, "PAID");
    }

    @Test
    void percentRuleTriggersOnPartialPayment() {
        intake().handle(signedWebhook(3_000_001_201L, 0));
        runCustomerUpsert();
        runInvoiceCreation();
        AccountingInvoice invoice = accounting.invoices.get(0);

        accounting.pay(invoice.invoiceId(), new BigDecimal("5290.00")); // 40% of 13225.00
        runPaymentSync(invoice.invoiceId(), OnboardingRule.parse("PERCENT_PAID:40"));

        assertThat(drain("OnboardingQueue", OnboardingTrigger.class)).hasSize(1);
        assertThat(handoff().state()).isEqualTo(HandoffState.ONBOARDING_SENT);

        accounting.pay(invoice.invoiceId(), new BigDecimal("7935.00"));
        runPaymentSync(invoice.invoiceId(), OnboardingRule.parse("PERCENT_PAID:40"));

        assertThat(drain("OnboardingQueue", OnboardingTrigger.class)).isEmpty();
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.INVOICE_STATUS, "PAID");
    }

    @Test
    void invoiceNotRaisedByHandoffIsIgnored() {
        PaymentStatusSyncService.Outcome outcome = paymentSync(OnboardingRule.fullyPaid())
                .process(new PaymentEventMessage(Fixtures.TENANT_ID, "00000000-1111-4000-8000-000000000000", ""));

        assertThat(outcome).isEqualTo(PaymentStatusSyncService.Outcome.NOT_OURS);
    }

    @Test
    void eventForOtherPortalIsIgnored() {
        WebhookResponse response = intake().handle(signedWebhook(3_000_001_301L, 0, "1234567"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(drain("DealWonQueue", DealWonMessage.class)).isEmpty();
    }

    private DealWonIntakeService intake() {
        return intake(clock);
    }

    private DealWonIntakeService intake(Clock receivedAt) {
        return new DealWonIntakeService(new HubSpotSignatureVerifier(SECRET, receivedAt), ledger, new QueuePublisher(sqs),
                WonStages.parse("default:closedwon"), Fixtures.TENANT_ID, Fixtures.PORTAL_ID, resources.queueUrl("DealWonQueue"),
                metrics, receivedAt);
    }

    private CustomerUpsertService customerUpsert() {
        return customerUpsert(accounting);
    }

    private CustomerUpsertService customerUpsert(FakeAccounting accountingSystem) {
        return customerUpsert(accountingSystem, crm);
    }

    private CustomerUpsertService customerUpsert(FakeAccounting accountingSystem, FakeCrm crmSystem) {
        CrmStatusWriter writer = new CrmStatusWriter(crmSystem, ledger, clock);
        return new CustomerUpsertService(ledger, crmSystem, accountingSystem, new QueuePublisher(sqs),
                new HandoffBlocker(ledger, writer, clock), WonStages.parse("default:closedwon"), Fixtures.TENANT_ID,
                resources.queueUrl("InvoiceRequestQueue"), clock);
    }

    private InvoiceCreationService invoiceCreation() {
        return invoiceCreation(accounting);
    }

    private InvoiceCreationService invoiceCreation(FakeAccounting accountingSystem) {
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        InvoiceDrafter drafter = new InvoiceDrafter(ZoneId.of("Africa/Johannesburg"), 30, PriceBasis.EXCLUSIVE, "AUTHORISED", "200",
                TaxCategory.STANDARD);
        return new InvoiceCreationService(ledger, crm, accountingSystem, drafter, writer, new HandoffBlocker(ledger, writer, clock),
                new BigDecimal("15.00"), new QueuePublisher(sqs), resources.queueUrl("PaymentEventQueue"), clock,
                WonStages.parse("default:closedwon"));
    }

    private PaymentStatusSyncService paymentSync(OnboardingRule rule) {
        return new PaymentStatusSyncService(ledger, accounting, new CrmStatusWriter(crm, ledger, clock), new QueuePublisher(sqs),
                rule, resources.queueUrl("OnboardingQueue"), clock);
    }

    private void runCustomerUpsert() {
        for (DealWonMessage message : drain("DealWonQueue", DealWonMessage.class)) {
            customerUpsert().process(message);
        }
    }

    private void runInvoiceCreation() {
        for (InvoiceRequestMessage message : drain("InvoiceRequestQueue", InvoiceRequestMessage.class)) {
            invoiceCreation().process(message);
        }
    }

    private void runPaymentSync(String invoiceId, OnboardingRule rule) {
        paymentSync(rule).process(new PaymentEventMessage(Fixtures.TENANT_ID, invoiceId, "2026-03-02T10:00:00Z"));
    }

    private Handoff handoff() {
        return ledger.find(key).orElseThrow();
    }

    /** Receives and deletes every message for this test's deal; other tests' messages are left alone. */
    private <T> List<T> drain(String queue, Class<T> type) {
        return drainByBody(queue, type, dealId);
    }

    /** Receives and deletes every message whose body contains {@code marker}. */
    private <T> List<T> drainByBody(String queue, Class<T> type, String marker) {
        return EngineTestData.receiveAndDeleteMatching(sqs, resources.queueUrl(queue), marker, type);
    }

    private WebhookRequest signedWebhook(long eventId, int attempt) {
        return signedWebhook(eventId, attempt, Fixtures.PORTAL_ID);
    }

    private WebhookRequest signedWebhook(long eventId, int attempt, String portalId) {
        String body = "[{\"eventId\":" + eventId + ",\"subscriptionId\":123456,\"portalId\":" + portalId
                + ",\"appId\":111111,\"occurredAt\":1772317800000,\"subscriptionType\":\"deal.propertyChange\",\"attemptNumber\":"
                + attempt + ",\"objectId\":" + dealId + ",\"propertyName\":\"dealstage\",\"propertyValue\":\"closedwon\","
                + "\"changeSource\":\"CRM_UI\",\"sourceId\":\"userId:1234\"}]";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(clock.millis());
        String signature = HubSpotSignatureVerifier.signV3(SECRET, "POST", PUBLIC_URL, bytes, timestamp);
        return new WebhookRequest("POST", PUBLIC_URL,
                Map.of("X-HubSpot-Signature-v3", signature, "X-HubSpot-Request-Timestamp", timestamp), bytes);
    }

    /** Returns HubSpot's won event 3000000001 for deal 48000000001 with {@code attemptNumber}, byte for byte. */
    private static byte[] caseBody(int attemptNumber) {
        return ("[{\"eventId\":3000000001,\"subscriptionId\":123456,\"portalId\":9999999,\"appId\":111111,"
                + "\"occurredAt\":1759999999000,\"subscriptionType\":\"deal.propertyChange\",\"attemptNumber\":" + attemptNumber
                + ",\"objectId\":48000000001,\"propertyName\":\"dealstage\",\"propertyValue\":\"closedwon\","
                + "\"changeSource\":\"CRM_UI\",\"sourceId\":\"userId:1234\"}]").getBytes(StandardCharsets.UTF_8);
    }

    private static WebhookRequest caseDelivery(int attemptNumber, String signature) {
        return caseRequest(caseBody(attemptNumber), signature);
    }

    private static WebhookRequest caseRequest(byte[] body, String signature) {
        return new WebhookRequest("POST", PUBLIC_URL,
                Map.of("X-HubSpot-Signature-v3", signature, "X-HubSpot-Request-Timestamp", CASE_TIMESTAMP), body);
    }

    /** A CRM whose deal reads wait until the test releases them, standing in for slow downstream work. */
    private static final class HeldCrm extends FakeCrm {

        static final long HOLD_LIMIT_SECONDS = 60;

        private final FakeCrm deals;
        private final CountDownLatch readStarted = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        HeldCrm(FakeCrm deals) {
            this.deals = deals;
        }

        @Override
        public CrmDeal readDeal(String dealId) {
            readStarted.countDown();
            try {
                if (!release.await(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("The test never released the held read of deal " + dealId);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while holding the read of deal " + dealId, e);
            }
            return deals.readDeal(dealId);
        }
    }
}
