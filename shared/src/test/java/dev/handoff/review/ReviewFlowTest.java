package dev.handoff.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.accounting.CreditStanding;
import dev.handoff.config.OnboardingRule;
import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.message.DealWonMessage;
import dev.handoff.message.InvoiceRequestMessage;
import dev.handoff.message.Json;
import dev.handoff.message.OnboardingTrigger;
import dev.handoff.message.PaymentEventMessage;
import dev.handoff.message.QueuePublisher;
import dev.handoff.service.CrmStatusWriter;
import dev.handoff.service.CustomerUpsertService;
import dev.handoff.service.DisputeCheck;
import dev.handoff.service.FinanceGate;
import dev.handoff.service.HandoffBlocker;
import dev.handoff.service.InvoiceCreationService;
import dev.handoff.service.InvoiceDrafter;
import dev.handoff.service.PaymentStatusSyncService;
import dev.handoff.testing.EngineTestData;
import dev.handoff.testing.FakeAccounting;
import dev.handoff.testing.FakeCrm;
import dev.handoff.testing.Fixtures;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Review items on the real ledger (dynalite) and queues (ElasticMQ): the store's queries, and the customer and
 * invoice services held by the finance gate, then approved or rejected through {@link ReviewDecisionService}.
 */
@ExtendWith(LocalEnginesExtension.class)
class ReviewFlowTest {

    private static final AtomicLong DEALS = new AtomicLong(48_000_500_000L);
    private static final String REVIEWER = "arn:aws:iam::111122223333:user/finance-lead";

    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final ProvisionedResources resources;
    private final Ledger ledger;
    private final ReviewStore reviews;
    /** CRM writes (notes and deal updates) to let through before one fails as a spent budget does; -1 for none. */
    private final AtomicInteger crmWritesBeforeThrottle = new AtomicInteger(-1);
    private final FakeCrm crm = new FakeCrm() {
        @Override
        public void updateDeal(String dealId, Map<String, String> properties) {
            throttleIfArmed();
            super.updateDeal(dealId, properties);
        }

        @Override
        public void addDealNote(String dealId, String text) {
            throttleIfArmed();
            super.addDealNote(dealId, text);
        }

        private void throttleIfArmed() {
            if (crmWritesBeforeThrottle.getAndDecrement() == 0) {
                throw new ThrottledException("request budget hubspot:portal:9999999 is spent", Duration.ofSeconds(7));
            }
        }
    };
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T06:00:00Z"), ZoneOffset.UTC);
    private final String dealId = Long.toString(DEALS.incrementAndGet());
    private final HandoffKey key = HandoffKey.hubspot(Fixtures.PORTAL_ID, dealId);
    private final String companyId = "7" + dealId.substring(dealId.length() - 6);
    private CreditStanding standing = CreditStanding.clear();
    private final AtomicInteger creditStandingReads = new AtomicInteger();
    private final FakeAccounting accounting = new FakeAccounting() {
        @Override
        public CreditStanding creditStanding(String contactId) {
            creditStandingReads.incrementAndGet();
            return standing;
        }
    };

    ReviewFlowTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.resources = resources;
        this.ledger = new Ledger(dynamoDb, resources.tableName("LedgerTable"));
        this.reviews = new ReviewStore(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeAll
    static void awaitTable(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        EngineTestData.awaitTable(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeEach
    void emptyLedgerAndQueues() {
        EngineTestData.deleteAllItems(dynamoDb, resources.tableName("LedgerTable"));
        for (String queue : List.of("DealWonQueue", "InvoiceRequestQueue", "PaymentEventQueue", "OnboardingQueue")) {
            EngineTestData.receiveAndDeleteAll(sqs, resources.queueUrl(queue));
        }
    }

    @Test
    void storedItemReadsBackWithFacts() {
        ReviewItem item = ReviewItem.pending(key, 3, ReviewType.TAX_EXCEPTION, "line 9001 is exempt",
                List.of("line_item.9001.tax_category"), java.util.Map.of("companyName", "Example Trading (Pty) Ltd"),
                HandoffState.RECEIVED, clock.instant());

        reviews.create(item);

        ReviewItem stored = reviews.find(item.id()).orElseThrow();
        assertThat(stored.id()).isEqualTo("hubspot:9999999:" + dealId + "/3");
        assertThat(stored.facts()).containsEntry("companyName", "Example Trading (Pty) Ltd");
        assertThat(stored.resumeState()).isEqualTo(HandoffState.RECEIVED);
        assertThat(stored.status()).isEqualTo(ReviewStatus.PENDING);
        assertThat(stored.toString()).doesNotContain("Example Trading");
    }

    @Test
    void secondCreateKeepsFirstItem() {
        ReviewItem first = ReviewItem.pending(key, 3, ReviewType.TAX_EXCEPTION, "first", List.of(), null, HandoffState.RECEIVED,
                clock.instant());
        ReviewItem again = ReviewItem.pending(key, 3, ReviewType.TAX_EXCEPTION, "again", List.of(), null, HandoffState.RECEIVED,
                clock.instant().plusSeconds(5));

        reviews.create(first);

        assertThat(reviews.create(again).reason()).isEqualTo("first");
    }

    @Test
    void listFiltersByStatusTypeAndAge() {
        Instant t0 = clock.instant();
        reviews.create(ReviewItem.pending(key, 1, ReviewType.TAX_EXCEPTION, "old tax", List.of(), null, HandoffState.RECEIVED,
                t0.minus(Duration.ofDays(3))));
        reviews.create(ReviewItem.pending(key, 2, ReviewType.PRICING_OVERRIDE, "new pricing", List.of(), null,
                HandoffState.RECEIVED, t0));
        ReviewItem decided = reviews.create(ReviewItem.pending(key, 4, ReviewType.TAX_EXCEPTION, "decided tax", List.of(), null,
                HandoffState.RECEIVED, t0));
        reviews.decide(decided, ReviewStatus.REJECTED, REVIEWER, "duplicate deal", t0);

        assertThat(reviews.list(ReviewStatus.PENDING, Optional.empty(), Optional.empty()))
                .extracting(ReviewItem::reason).containsExactly("old tax", "new pricing");
        assertThat(reviews.list(ReviewStatus.PENDING, Optional.of(ReviewType.PRICING_OVERRIDE), Optional.empty()))
                .extracting(ReviewItem::reason).containsExactly("new pricing");
        assertThat(reviews.list(ReviewStatus.PENDING, Optional.empty(), Optional.of(t0.minus(Duration.ofDays(1)))))
                .extracting(ReviewItem::reason).containsExactly("old tax");
        assertThat(reviews.list(ReviewStatus.REJECTED, Optional.empty(), Optional.empty()))
                .singleElement().satisfies(item -> {
                    assertThat(item.decidedBy()).isEqualTo(REVIEWER);
                    assertThat(item.decisionReason()).isEqualTo("duplicate deal");
                    assertThat(item.decidedAt()).isEqualTo(t0);
                });
    }

    @Test
    void decidedItemCannotBeDecidedAgain() {
        ReviewItem item = reviews.create(ReviewItem.pending(key, 1, ReviewType.CREDIT_DECISION, "overdue", List.of(), null,
                HandoffState.CUSTOMER_READY, clock.instant()));
        reviews.decide(item, ReviewStatus.APPROVED, REVIEWER, "paid yesterday", clock.instant());

        assertThatThrownBy(() -> reviews.decide(item, ReviewStatus.REJECTED, REVIEWER, "changed my mind", clock.instant()))
                .isInstanceOf(ReviewAlreadyDecidedException.class)
                .hasMessageContaining(item.id());
    }

    @Test
    void exemptLineHoldsBeforeCustomerStep() {
        crm.put(deal(TaxCategory.EXEMPT, "4000000000", "1000.00"));

        assertThat(runCustomerUpsert()).containsExactly(CustomerUpsertService.Outcome.IN_REVIEW);

        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff().resumeState()).isEqualTo(HandoffState.RECEIVED);
        assertThat(pendingReviews()).singleElement().extracting(ReviewItem::type).isEqualTo(ReviewType.TAX_EXCEPTION);
        assertThat(accounting.contactsCreated).isZero();
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.HANDOFF_STATUS, "IN_REVIEW");
        assertThat(crm.notes).anyMatch(note -> note.text().contains("finance review"));
    }

    @Test
    void approvedTaxExceptionEndsWithOneInvoice() {
        crm.put(deal(TaxCategory.EXEMPT, "4000000000", "1000.00"));
        runCustomerUpsert();
        ReviewItem review = pendingReviews().get(0);

        ReviewItem approved = decisions().approve(review.id(), REVIEWER, "exempt training course, confirmed");
        runCustomerUpsert();
        runInvoiceCreation();

        assertThat(approved.status()).isEqualTo(ReviewStatus.APPROVED);
        assertThat(approved.decidedBy()).isEqualTo(REVIEWER);
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
        assertThat(crm.notes).anyMatch(note -> note.text().contains("approved by " + REVIEWER)
                && note.text().contains("exempt training course, confirmed"));
    }

    @Test
    void rejectedReviewClosesHandoff() {
        crm.put(deal(TaxCategory.ZERO_RATED, "4000000000", "1000.00"));
        runCustomerUpsert();

        decisions().reject(pendingReviews().get(0).id(), REVIEWER, "not a zero-rated supply");
        runCustomerUpsert();

        assertThat(handoff().state()).isEqualTo(HandoffState.REJECTED);
        assertThat(accounting.invoices).isEmpty();
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.HANDOFF_STATUS, "REJECTED");
        assertThat(crm.notes).anyMatch(note -> note.text().contains("rejected by " + REVIEWER));
    }

    @Test
    void overdueCustomerHoldsAfterCustomerLinked() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        accounting.contacts.add(new AccountingContact("5d1c2b3a-0000-4000-8000-0000000000f2", companyId,
                "Example Trading (Pty) Ltd", "4000000000", null, null, "ACTIVE"));
        standing = new CreditStanding(new BigDecimal("3000.00"), new BigDecimal("1200.00"), Optional.empty());

        runCustomerUpsert();

        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff().resumeState()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(handoff().customerId()).isEqualTo("5d1c2b3a-0000-4000-8000-0000000000f2");
        assertThat(creditStandingReads).hasValue(1);
        assertThat(drain("InvoiceRequestQueue", InvoiceRequestMessage.class)).isEmpty();

        decisions().approve(pendingReviews().get(0).id(), REVIEWER, "payment plan agreed");
        runInvoiceCreation();

        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
    }

    // A contact created just now has no invoices, so its balances are not read and cannot hold the handoff.
    @Test
    void newCustomerBalancesAreNotRead() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        standing = new CreditStanding(new BigDecimal("3000.00"), new BigDecimal("1200.00"), Optional.empty());

        runCustomerUpsert();

        assertThat(accounting.contactsCreated).isEqualTo(1);
        assertThat(creditStandingReads).hasValue(0);
        assertThat(handoff().state()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(drain("InvoiceRequestQueue", InvoiceRequestMessage.class)).hasSize(1);
    }

    @Test
    void newCustomerLargeFirstInvoiceStillHolds() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "60000.00"));

        runCustomerUpsert();

        assertThat(accounting.contactsCreated).isEqualTo(1);
        assertThat(creditStandingReads).hasValue(0);
        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff().resumeState()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(pendingReviews()).singleElement().satisfies(review -> {
            assertThat(review.type()).isEqualTo(ReviewType.CREDIT_DECISION);
            assertThat(review.reason()).contains("new customer's first invoice");
        });
    }

    // The last attempt linked the customer and died before the credit rules ran, so the retry runs them.
    @Test
    void creditRulesRunAfterCrashAtCustomerReady() {
        String contactId = "5d1c2b3a-0000-4000-8000-0000000000f3";
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        standing = new CreditStanding(new BigDecimal("3000.00"), new BigDecimal("1200.00"), Optional.empty());
        Handoff received = ledger.openHandoff(key, Fixtures.TENANT_ID, Fixtures.PORTAL_ID + ":1", clock.instant());
        ledger.transition(received, HandoffState.CUSTOMER_READY,
                HandoffChange.none().set(HandoffChange.Attribute.CUSTOMER_ID, contactId), clock.instant());

        CustomerUpsertService.Outcome outcome = customerUpsert().process(
                new DealWonMessage(key.value(), Fixtures.PORTAL_ID + ":1", clock.millis()));

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.IN_REVIEW);
        assertThat(creditStandingReads).hasValue(1);
        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(pendingReviews()).singleElement()
                .satisfies(review -> assertThat(review.type()).isEqualTo(ReviewType.CREDIT_DECISION));
        assertThat(drain("InvoiceRequestQueue", InvoiceRequestMessage.class)).isEmpty();
    }

    @Test
    void passedCreditRulesAreNotRunAgain() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        runCustomerUpsert();
        assertThat(drain("InvoiceRequestQueue", InvoiceRequestMessage.class)).hasSize(1);
        standing = new CreditStanding(new BigDecimal("3000.00"), new BigDecimal("1200.00"), Optional.empty());

        customerUpsert().process(new DealWonMessage(key.value(), Fixtures.PORTAL_ID + ":2", clock.millis()));

        assertThat(creditStandingReads).hasValue(0);
        assertThat(handoff().state()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(drain("InvoiceRequestQueue", InvoiceRequestMessage.class)).hasSize(1);
    }

    @Test
    void approvedArchivedMatchCreatesNewContact() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        accounting.contacts.add(new AccountingContact("5d1c2b3a-0000-4000-8000-0000000000f1", companyId, "Old Trading Name",
                "4000000000", null, null, "ARCHIVED"));
        runCustomerUpsert();
        assertThat(pendingReviews()).singleElement().extracting(ReviewItem::type).isEqualTo(ReviewType.CUSTOMER_MERGE);

        decisions().approve(pendingReviews().get(0).id(), REVIEWER, "new legal entity, keep the old one archived");
        runCustomerUpsert();
        runInvoiceCreation();

        assertThat(accounting.contactsCreated).isEqualTo(1);
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void handoffResumesOnlyWhenEveryReviewIsDecided() {
        crm.put(deal(TaxCategory.EXEMPT, "4000000000", "1000.00", new BigDecimal("40")));
        runCustomerUpsert();
        List<ReviewItem> pending = pendingReviews();
        assertThat(pending).extracting(ReviewItem::type)
                .containsExactlyInAnyOrder(ReviewType.PRICING_OVERRIDE, ReviewType.TAX_EXCEPTION);

        decisions().approve(pending.get(0).id(), REVIEWER, "approved by the sales director");
        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(drain("DealWonQueue", DealWonMessage.class)).isEmpty();

        decisions().approve(pending.get(1).id(), REVIEWER, "exempt supply confirmed");
        runCustomerUpsert();
        runInvoiceCreation();

        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void voidWhileDealWonHoldsForDispute() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        runCustomerUpsert();
        runInvoiceCreation();
        String invoiceId = voidInvoice();

        PaymentStatusSyncService.Outcome outcome = paymentSync().process(new PaymentEventMessage(Fixtures.TENANT_ID, invoiceId, ""));

        assertThat(outcome).isEqualTo(PaymentStatusSyncService.Outcome.IN_REVIEW);
        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(pendingReviews()).singleElement().extracting(ReviewItem::type).isEqualTo(ReviewType.COMMERCIAL_DISPUTE);

        decisions().approve(pendingReviews().get(0).id(), REVIEWER, "customer cancelled; credit agreed");

        assertThat(handoff().state()).isEqualTo(HandoffState.VOIDED);
        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.INVOICE_STATUS, "VOIDED");
        assertThat(drain("PaymentEventQueue", PaymentEventMessage.class)).isEmpty();
    }

    @Test
    void voidAfterDealLeftWonIsRecorded() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        runCustomerUpsert();
        runInvoiceCreation();
        String invoiceId = voidInvoice();
        CrmDeal lost = crm.readDeal(dealId);
        crm.put(new CrmDeal(lost.id(), lost.name(), lost.pipeline(), "closedlost", lost.closeDate(), lost.amount(), lost.currency(),
                lost.companies(), lost.contacts(), lost.lineItems(), lost.recordUrl()));

        PaymentStatusSyncService.Outcome outcome = paymentSync().process(new PaymentEventMessage(Fixtures.TENANT_ID, invoiceId, ""));

        assertThat(outcome).isEqualTo(PaymentStatusSyncService.Outcome.SYNCED);
        assertThat(handoff().state()).isEqualTo(HandoffState.VOIDED);
        assertThat(pendingReviews()).isEmpty();
    }

    @Test
    void decisionWithoutReasonIsRejected() {
        crm.put(deal(TaxCategory.EXEMPT, "4000000000", "1000.00"));
        runCustomerUpsert();
        String id = pendingReviews().get(0).id();

        assertThatThrownBy(() -> decisions().approve(id, REVIEWER, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--reason");
        assertThat(reviews.find(id).orElseThrow().status()).isEqualTo(ReviewStatus.PENDING);
    }

    @Test
    void approvingAgainFinishesFailedResume() {
        crm.put(deal(TaxCategory.EXEMPT, "4000000000", "1000.00"));
        runCustomerUpsert();
        ReviewItem review = pendingReviews().get(0);
        // The approval is stored, then the resume fails because the deal-won queue does not exist.
        ReviewDecisionService broken = new ReviewDecisionService(ledger, reviews, new CrmStatusWriter(crm, ledger, clock),
                new QueuePublisher(sqs), resources.queueUrl("DealWonQueue") + "-missing", resources.queueUrl("InvoiceRequestQueue"),
                resources.queueUrl("PaymentEventQueue"), clock);
        assertThatThrownBy(() -> broken.approve(review.id(), REVIEWER, "exempt supply")).isInstanceOf(RuntimeException.class);
        assertThat(reviews.find(review.id()).orElseThrow().status()).isEqualTo(ReviewStatus.APPROVED);
        assertThat(drain("DealWonQueue", DealWonMessage.class)).isEmpty();

        decisions().approve(review.id(), REVIEWER, "exempt supply");
        runCustomerUpsert();
        runInvoiceCreation();

        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void mergedDealHeldBeforeCustomerStep() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        crm.merge(dealId, "48000999001");

        assertThat(runCustomerUpsert()).containsExactly(CustomerUpsertService.Outcome.IN_REVIEW);

        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        ReviewItem review = pendingReviews().get(0);
        assertThat(review.type()).isEqualTo(ReviewType.CUSTOMER_MERGE);
        assertThat(review.reason()).contains("merged into deal 48000999001");
        assertThat(review.facts()).containsEntry("survivingDealId", "48000999001");
        assertThat(accounting.contactsCreated).isZero();

        decisions().reject(review.id(), REVIEWER, "the surviving deal is handed off on its own");
        assertThat(handoff().state()).isEqualTo(HandoffState.REJECTED);
        assertThat(accounting.invoices).isEmpty();
    }

    @Test
    void dealMergedBeforeInvoiceStepIsNotInvoiced() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        runCustomerUpsert();
        crm.merge(dealId, "48000999002");

        runInvoiceCreation();

        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff().resumeState()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(pendingReviews()).singleElement().extracting(ReviewItem::type).isEqualTo(ReviewType.CUSTOMER_MERGE);
        assertThat(accounting.invoices).isEmpty();
    }

    @Test
    void dealLeftWonBeforeInvoiceIsBlocked() {
        CrmDeal won = deal(TaxCategory.STANDARD, "4000000000", "1000.00");
        crm.put(won);
        runCustomerUpsert();
        crm.put(withStage(won, "closedlost"));

        runInvoiceCreation();

        Handoff blocked = handoff();
        assertThat(blocked.state()).isEqualTo(HandoffState.BLOCKED);
        assertThat(blocked.resumeState()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(blocked.blockedFields()).containsExactly("deal.dealstage");
        assertThat(blocked.blockedReason()).contains("no longer in a won stage").contains("Move the deal back to won");
        assertThat(blocked.invoiceIdempotencyKey()).isNull();
        assertThat(accounting.invoices).isEmpty();
        assertThat(reviews.forHandoff(key)).isEmpty();
        assertThat(crm.notes).anyMatch(note -> note.text().contains("no longer in a won stage"));

        // Sales moves the deal back to won: the next won event resumes at the invoice step.
        crm.put(won);
        customerUpsert().process(new DealWonMessage(key.value(), Fixtures.PORTAL_ID + ":2", clock.millis()));
        runInvoiceCreation();
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void dealLeftWonAfterLostResponseAdoptsInvoice() {
        CrmDeal won = deal(TaxCategory.STANDARD, "4000000000", "1000.00");
        crm.put(won);
        runCustomerUpsert();
        InvoiceRequestMessage request = drain("InvoiceRequestQueue", InvoiceRequestMessage.class).get(0);
        // Xero creates the invoice but the response is lost, so the handoff stays in flight.
        accounting.timeoutsAfterCreate = 1;
        assertThatThrownBy(() -> invoiceCreation().process(request)).isInstanceOf(RetryableException.class);
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICE_IN_FLIGHT);
        crm.put(withStage(won, "closedlost"));

        InvoiceCreationService.Outcome redelivered = invoiceCreation().process(request);

        assertThat(redelivered).isEqualTo(InvoiceCreationService.Outcome.ADOPTED);
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void paymentDuringReviewSyncsOnApproval() {
        AccountingInvoice invoice = invoiceHeldForAmountChange();

        // The customer pays while the review is pending; the payment event is ignored during the hold.
        accounting.pay(invoice.invoiceId(), invoice.total());
        PaymentStatusSyncService.Outcome duringHold = paymentSync().process(
                new PaymentEventMessage(Fixtures.TENANT_ID, invoice.invoiceId(), "2026-03-01T07:00:00"));
        assertThat(duringHold).isEqualTo(PaymentStatusSyncService.Outcome.NOT_OURS);
        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);

        decisions().approve(pendingReviews().get(0).id(), REVIEWER, "amount change agreed with the customer");
        List<PaymentEventMessage> requested = drain("PaymentEventQueue", PaymentEventMessage.class);
        assertThat(requested).extracting(PaymentEventMessage::invoiceId).containsExactly(invoice.invoiceId());
        // The request is processed twice, as SQS may deliver it twice.
        paymentSync().process(requested.get(0));
        paymentSync().process(requested.get(0));

        assertThat(handoff().state()).isEqualTo(HandoffState.ONBOARDING_SENT);
        assertThat(handoff().paymentStatus()).isEqualTo("PAID");
        assertThat(drain("OnboardingQueue", OnboardingTrigger.class)).hasSize(1);
        assertThat(accounting.invoices).hasSize(1);
    }

    @Test
    void approvingAgainRequestsPaymentSync() {
        AccountingInvoice invoice = invoiceHeldForAmountChange();
        accounting.pay(invoice.invoiceId(), invoice.total());
        String reviewId = pendingReviews().get(0).id();
        // The approval note goes through, then the invoice status write after the resume fails.
        crmWritesBeforeThrottle.set(1);

        assertThatThrownBy(() -> decisions().approve(reviewId, REVIEWER, "amount change agreed"))
                .isInstanceOf(ThrottledException.class);
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        assertThat(drain("PaymentEventQueue", PaymentEventMessage.class)).isEmpty();

        decisions().approve(reviewId, REVIEWER, "amount change agreed");

        assertThat(drain("PaymentEventQueue", PaymentEventMessage.class))
                .extracting(PaymentEventMessage::invoiceId).containsExactly(invoice.invoiceId());
    }

    @Test
    void approvingAgainAfterThrottledNoteResumes() {
        crm.put(deal(TaxCategory.EXEMPT, "4000000000", "1000.00"));
        runCustomerUpsert();
        ReviewItem review = pendingReviews().get(0);
        crmWritesBeforeThrottle.set(0);

        assertThatThrownBy(() -> decisions().approve(review.id(), REVIEWER, "exempt supply"))
                .isInstanceOf(ThrottledException.class);
        assertThat(reviews.find(review.id()).orElseThrow().status()).isEqualTo(ReviewStatus.APPROVED);
        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(crm.notes).noneMatch(note -> note.text().contains("was approved"));

        decisions().approve(review.id(), REVIEWER, "exempt supply");

        assertThat(crm.notes).filteredOn(note -> note.text().contains("was approved")).hasSize(1);
        assertThat(drain("DealWonQueue", DealWonMessage.class)).hasSize(1);
        assertThatThrownBy(() -> decisions().approve(review.id(), REVIEWER, "exempt supply"))
                .isInstanceOf(ReviewAlreadyDecidedException.class);
    }

    @Test
    void approvingAgainAfterThrottledStatusWrite() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        runCustomerUpsert();
        runInvoiceCreation();
        String invoiceId = voidInvoice();
        paymentSync().process(new PaymentEventMessage(Fixtures.TENANT_ID, invoiceId, ""));
        String reviewId = pendingReviews().get(0).id();
        // The approval writes its note first, then the invoice status after the resume: the second write fails.
        crmWritesBeforeThrottle.set(1);

        assertThatThrownBy(() -> decisions().approve(reviewId, REVIEWER, "customer cancelled; credit agreed"))
                .isInstanceOf(ThrottledException.class);
        assertThat(handoff().state()).isEqualTo(HandoffState.VOIDED);
        assertThat(crm.dealProperties(dealId)).doesNotContainEntry(CrmProperties.INVOICE_STATUS, "VOIDED");

        decisions().approve(reviewId, REVIEWER, "customer cancelled; credit agreed");

        assertThat(crm.dealProperties(dealId)).containsEntry(CrmProperties.INVOICE_STATUS, "VOIDED");
        assertThat(ledger.timeline(key)).anyMatch(event -> event.outcome().equals("resumed"));
    }

    @Test
    void unknownReviewIsNotFound() {
        assertThatThrownBy(() -> decisions().approve(key.value() + "/99", REVIEWER, "ok"))
                .isInstanceOf(dev.handoff.error.NotFoundException.class)
                .hasMessageContaining("was not found");
    }

    private CrmDeal deal(TaxCategory category, String vatNumber, String unitPrice) {
        return deal(category, vatNumber, unitPrice, null);
    }

    private CrmDeal deal(TaxCategory category, String vatNumber, String unitPrice, BigDecimal discount) {
        CrmCompany company = new CrmCompany(companyId, "Example Trading", "Example Trading (Pty) Ltd", vatNumber,
                "2019/123456/07", "accounts@example-trading.test", Fixtures.ADDRESS);
        return new CrmDeal(dealId, "Training", "default", "closedwon", Instant.parse("2026-02-28T22:30:00Z"),
                new BigDecimal(unitPrice), "ZAR", List.of(company), List.of(),
                List.of(new CrmLineItem("9001", "Training course", null, BigDecimal.ONE, new BigDecimal(unitPrice), discount, null,
                        category)),
                null);
    }

    private static CrmDeal withStage(CrmDeal deal, String stage) {
        return new CrmDeal(deal.id(), deal.name(), deal.pipeline(), stage, deal.closeDate(), deal.amount(), deal.currency(),
                deal.companies(), deal.contacts(), deal.lineItems(), deal.recordUrl());
    }

    private List<CustomerUpsertService.Outcome> runCustomerUpsert() {
        List<DealWonMessage> messages = drain("DealWonQueue", DealWonMessage.class);
        if (messages.isEmpty() && ledger.find(key).isEmpty()) {
            messages = List.of(new DealWonMessage(key.value(), Fixtures.PORTAL_ID + ":1", clock.millis()));
        }
        List<CustomerUpsertService.Outcome> outcomes = new ArrayList<>();
        for (DealWonMessage message : messages) {
            outcomes.add(customerUpsert().process(message));
        }
        return outcomes;
    }

    private void runInvoiceCreation() {
        for (InvoiceRequestMessage message : drain("InvoiceRequestQueue", InvoiceRequestMessage.class)) {
            invoiceCreation().process(message);
        }
    }

    private CustomerUpsertService customerUpsert() {
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        HandoffBlocker blocker = new HandoffBlocker(ledger, reviews, writer, clock);
        FinanceGate gate = new FinanceGate(new ReviewRules(ReviewPolicy.southAfricanDefaults(), PriceBasis.EXCLUSIVE,
                new BigDecimal("15.00"), TaxCategory.STANDARD), reviews, blocker, crm, accounting, ledger);
        return new CustomerUpsertService(ledger, crm, accounting, new QueuePublisher(sqs), blocker,
                WonStages.parse("default:closedwon"), Fixtures.TENANT_ID, resources.queueUrl("InvoiceRequestQueue"), clock, gate);
    }

    private InvoiceCreationService invoiceCreation() {
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        InvoiceDrafter drafter = new InvoiceDrafter(ZoneId.of("Africa/Johannesburg"), 30, PriceBasis.EXCLUSIVE, "AUTHORISED", "200",
                TaxCategory.STANDARD);
        return new InvoiceCreationService(ledger, crm, accounting, drafter, writer, new HandoffBlocker(ledger, reviews, writer, clock),
                new BigDecimal("15.00"), new QueuePublisher(sqs), resources.queueUrl("PaymentEventQueue"), clock,
                WonStages.parse("default:closedwon"));
    }

    private ReviewDecisionService decisions() {
        return new ReviewDecisionService(ledger, reviews, new CrmStatusWriter(crm, ledger, clock), new QueuePublisher(sqs),
                resources.queueUrl("DealWonQueue"), resources.queueUrl("InvoiceRequestQueue"),
                resources.queueUrl("PaymentEventQueue"), clock);
    }

    private PaymentStatusSyncService paymentSync() {
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        DisputeCheck disputes = new DisputeCheck(crm, WonStages.parse("default:closedwon"),
                new HandoffBlocker(ledger, reviews, writer, clock));
        return new PaymentStatusSyncService(ledger, accounting, writer, new QueuePublisher(sqs), OnboardingRule.fullyPaid(),
                resources.queueUrl("OnboardingQueue"), clock, Optional.of(disputes));
    }

    /** Invoices the deal, puts the invoiced handoff on hold for a changed amount, and returns the invoice. */
    private AccountingInvoice invoiceHeldForAmountChange() {
        crm.put(deal(TaxCategory.STANDARD, "4000000000", "1000.00"));
        runCustomerUpsert();
        runInvoiceCreation();
        AccountingInvoice invoice = accounting.invoices.get(0);
        new HandoffBlocker(ledger, reviews, new CrmStatusWriter(crm, ledger, clock), clock).holdForReview(handoff(),
                HandoffState.INVOICED, ReviewType.PRICING_OVERRIDE, List.of("deal.amount"),
                "The deal amount changed after the invoice was raised.", Map.of("invoiceId", invoice.invoiceId()), "");
        return invoice;
    }

    /** Voids the deal's invoice in the fake accounting system, as a person would in Xero, and returns its id. */
    private String voidInvoice() {
        AccountingInvoice invoice = accounting.invoices.get(0);
        accounting.invoices.set(0, new AccountingInvoice(invoice.invoiceId(), invoice.invoiceNumber(), invoice.reference(),
                "VOIDED", invoice.currencyCode(), invoice.subTotal(), invoice.totalTax(), invoice.total(),
                BigDecimal.ZERO.setScale(2), invoice.amountPaid(), invoice.amountCredited(), Instant.now()));
        return invoice.invoiceId();
    }

    private List<ReviewItem> pendingReviews() {
        return reviews.forHandoff(key).stream().filter(ReviewItem::isPending).toList();
    }

    private Handoff handoff() {
        return ledger.find(key).orElseThrow();
    }

    private <T> List<T> drain(String queue, Class<T> type) {
        return EngineTestData.receiveAndDeleteAll(sqs, resources.queueUrl(queue)).stream()
                .map(message -> Json.read(message.body(), type))
                .toList();
    }
}
