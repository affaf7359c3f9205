package dev.handoff.service;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.CallReservation;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.accounting.CreditStanding;
import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.DealMergedException;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.DataException;
import dev.handoff.error.NotFoundException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.message.DealWonMessage;
import dev.handoff.message.InvoiceRequestMessage;
import dev.handoff.message.QueuePublisher;
import dev.handoff.review.ReviewPolicy;
import dev.handoff.review.ReviewRules;
import dev.handoff.review.ReviewStore;
import dev.handoff.review.ReviewType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the won deal's company a finance-ready customer in the accounting system, then requests the
 * invoice. Safe to run again for the same deal: each step checks the ledger first.
 *
 * <p>The contact is matched in this order, so an existing customer is not created twice: the ledger's link
 * (followed to the surviving contact if finance merged it), then {@link CustomerMatcher}'s lookups. A match
 * that is archived, ambiguous, or carries a different VAT number puts the handoff on hold for a CUSTOMER_MERGE
 * review. The {@link FinanceGate} puts the deal on hold for pricing and tax reviews before the customer step, and
 * for credit reviews once the customer is linked.
 */
public final class CustomerUpsertService {

    private static final Logger LOG = LoggerFactory.getLogger(CustomerUpsertService.class);

    /**
     * Accounting calls a new customer costs: the lookups by identifiers, by name and by e-mail address, and the
     * create. A linked customer costs one read, and the unused calls are given back.
     */
    static final int RESERVED_ACCOUNTING_CALLS = 4;

    /** Timeline step and outcome recorded once the credit rules let the handoff through. */
    private static final String CREDIT_STEP = "credit";
    private static final String CREDIT_PASSED = "passed";

    private final Ledger ledger;
    private final CrmClient crm;
    private final AccountingClient accounting;
    private final QueuePublisher queue;
    private final HandoffBlocker blocker;
    private final WonStages wonStages;
    private final String tenantId;
    private final String invoiceQueueUrl;
    private final Clock clock;
    private final FinanceGate gate;
    private final CustomerMapper mapper = new CustomerMapper();
    private final CustomerMatcher matcher;
    private final ContactFieldSync fieldSync = new ContactFieldSync();

    /** Applies the review rules with the South African defaults of {@link ReviewPolicy#southAfricanDefaults()}. */
    public CustomerUpsertService(Ledger ledger, CrmClient crm, AccountingClient accounting, QueuePublisher queue,
            HandoffBlocker blocker, WonStages wonStages, String tenantId, String invoiceQueueUrl, Clock clock) {
        this(ledger, crm, accounting, queue, blocker, wonStages, tenantId, invoiceQueueUrl, clock,
                new FinanceGate(new ReviewRules(ReviewPolicy.southAfricanDefaults(), PriceBasis.EXCLUSIVE,
                        new BigDecimal("15.00"), TaxCategory.STANDARD),
                        new ReviewStore(ledger.dynamoDb(), ledger.tableName()), blocker, crm, accounting, ledger));
    }

    public CustomerUpsertService(Ledger ledger, CrmClient crm, AccountingClient accounting, QueuePublisher queue,
            HandoffBlocker blocker, WonStages wonStages, String tenantId, String invoiceQueueUrl, Clock clock,
            FinanceGate gate) {
        this.gate = gate;
        this.ledger = ledger;
        this.crm = crm;
        this.accounting = accounting;
        this.matcher = new CustomerMatcher(accounting);
        this.queue = queue;
        this.blocker = blocker;
        this.wonStages = wonStages;
        this.tenantId = tenantId;
        this.invoiceQueueUrl = invoiceQueueUrl;
        this.clock = clock;
    }

    /** Outcome of one message, for the handler's summary log. */
    public enum Outcome { CUSTOMER_READY, BLOCKED, IN_REVIEW, ALREADY_DONE }

    public Outcome process(DealWonMessage message) {
        HandoffKey key = HandoffKey.parse(message.handoffKey());
        Handoff handoff = ledger.openHandoff(key, tenantId, message.eventKey(), now());

        if (handoff.state() == HandoffState.CUSTOMER_READY
                || (handoff.state() == HandoffState.BLOCKED && handoff.resumeState() == HandoffState.CUSTOMER_READY)) {
            // The customer is linked: either the last attempt died before the invoice request was sent, or the
            // invoice step was blocked and the deal was won again after the fix. An attempt that died before the
            // credit rules ran left no record that they passed, so they run now.
            if (handoff.state() == HandoffState.CUSTOMER_READY && !creditChecked(handoff)) {
                Optional<Outcome> stopped = checkCreditAgain(handoff);
                if (stopped.isPresent()) {
                    return stopped.get();
                }
            }
            requestInvoice(key);
            return Outcome.CUSTOMER_READY;
        }
        if (!isStartable(handoff)) {
            LOG.info("Handoff {} is already at {}; deal-won message {} needs no work", key, handoff.state(), message.eventKey());
            return Outcome.ALREADY_DONE;
        }

        // A tenant at its accounting limit would stop this attempt after the CRM reads, so it stops before them.
        accounting.requireCallsAvailable(RESERVED_ACCOUNTING_CALLS);
        CrmDeal deal;
        try {
            deal = crm.readDeal(key.dealId());
        } catch (DealMergedException e) {
            MergedDealHold.hold(blocker, handoff, HandoffState.RECEIVED, e);
            return Outcome.IN_REVIEW;
        } catch (NotFoundException e) {
            blocker.block(handoff, HandoffState.RECEIVED, List.of("deal"),
                    "The deal was not found in the CRM; it may have been deleted or merged.");
            return Outcome.BLOCKED;
        } catch (DataException e) {
            blocker.block(handoff, HandoffState.RECEIVED, e.fields().isEmpty() ? List.of("deal") : e.fields(),
                    "The deal's CRM data could not be read.", e.getMessage());
            return Outcome.BLOCKED;
        }

        List<CustomerMapper.Problem> problems = new ArrayList<>();
        if (!wonStages.isWon(deal.pipeline(), deal.stage())) {
            problems.add(new CustomerMapper.Problem("deal.dealstage",
                    "the deal is no longer in a won stage; move it back to won if it was won"));
        }
        problems.addAll(lineItemProblems(deal));
        CustomerMapper.Result mapped = mapper.map(deal);
        problems.addAll(mapped.problems());
        if (!problems.isEmpty()) {
            blockForProblems(handoff, problems);
            return Outcome.BLOCKED;
        }
        if (gate.holdsDeal(handoff, deal)) {
            return Outcome.IN_REVIEW;
        }

        Optional<LinkedContact> contact;
        // The step's accounting calls are paid for together, so a spent rate limit delays it before the first
        // one, not halfway with calls to repeat.
        try (CallReservation reserved = accounting.reserveCalls(RESERVED_ACCOUNTING_CALLS)) {
            contact = findOrCreateContact(mapped.customer(), handoff);
        } catch (DataException e) {
            // The accounting system's message may echo customer data, so it goes to the CRM deal only.
            blocker.block(ledger.find(key).orElse(handoff), HandoffState.RECEIVED,
                    e.fields().isEmpty() ? List.of("company") : e.fields(),
                    "The accounting system rejected the customer.", e.getMessage());
            return Outcome.BLOCKED;
        }
        if (contact.isEmpty()) {
            return Outcome.IN_REVIEW;
        }

        // Guarded by the version read at the start, so a concurrent worker's change surfaces as a stale write.
        Handoff ready = ledger.transition(handoff, HandoffState.CUSTOMER_READY,
                HandoffChange.none().set(Attribute.CUSTOMER_ID, contact.get().contactId()).set(Attribute.TENANT_ID, tenantId)
                        .clear(Attribute.BLOCKED_REASON).clear(Attribute.BLOCKED_FIELDS).clear(Attribute.RESUME_STATE),
                now());
        if (gate.holdsCredit(ready, deal, contact.get().contactId(), contact.get().receivables())) {
            return Outcome.IN_REVIEW;
        }
        ledger.appendEvent(key, CREDIT_STEP, CREDIT_PASSED, "no credit decision needed", now());
        requestInvoice(key);
        return Outcome.CUSTOMER_READY;
    }

    /** Returns true when the credit rules passed for this handoff, or a person approved its credit decision. */
    private boolean creditChecked(Handoff handoff) {
        boolean passed = ledger.timeline(handoff.key()).stream()
                .anyMatch(event -> event.step().equals(CREDIT_STEP) && event.outcome().equals(CREDIT_PASSED));
        return passed || gate.creditApproved(handoff.key());
    }

    /**
     * Runs the credit rules for a handoff at CUSTOMER_READY whose last attempt died before they ran, with the
     * deal read again and the customer's receivables read from the accounting system.
     *
     * @return the outcome when the handoff is held or blocked, empty when the invoice may be requested
     */
    private Optional<Outcome> checkCreditAgain(Handoff handoff) {
        CrmDeal deal;
        try {
            deal = crm.readDeal(handoff.key().dealId());
        } catch (DealMergedException e) {
            MergedDealHold.hold(blocker, handoff, HandoffState.CUSTOMER_READY, e);
            return Optional.of(Outcome.IN_REVIEW);
        } catch (DataException e) {
            blocker.block(handoff, HandoffState.CUSTOMER_READY, e.fields().isEmpty() ? List.of("deal") : e.fields(),
                    "The deal's CRM data could not be read for the credit rules.", e.getMessage());
            return Optional.of(Outcome.BLOCKED);
        }
        if (gate.holdsCredit(handoff, deal, handoff.customerId(), Optional.empty())) {
            return Optional.of(Outcome.IN_REVIEW);
        }
        ledger.appendEvent(handoff.key(), CREDIT_STEP, CREDIT_PASSED, "no credit decision needed", now());
        return Optional.empty();
    }

    private boolean isStartable(Handoff handoff) {
        if (handoff.state() == HandoffState.RECEIVED) {
            return true;
        }
        return handoff.state() == HandoffState.BLOCKED
                && (handoff.resumeState() == null || handoff.resumeState() == HandoffState.RECEIVED);
    }

    private Optional<LinkedContact> findOrCreateContact(FinanceCustomer customer, Handoff handoff) {
        String companyId = customer.crmCompanyId();
        HandoffKey key = handoff.key();

        Optional<String> linked = ledger.findCustomerLink(key.crm(), key.accountId(), companyId, tenantId);
        if (linked.isPresent()) {
            return Optional.of(useLinkedContact(key, customer, linked.get()));
        }

        CustomerMatcher.Match match = matcher.match(customer);
        if (match instanceof CustomerMatcher.Found found) {
            return adopt(key, companyId, found.contact(), found.matchedBy());
        }
        if (match instanceof CustomerMatcher.NeedsReview review) {
            return holdForMatch(handoff, customer, review);
        }

        return createContact(key, customer);
    }

    /**
     * Creates the contact and links it. A contact created just now has no invoices, so its credit standing is
     * clear and the credit rules do not read its balances. A retry after a crash before the handoff reached
     * CUSTOMER_READY finds the ledger link, or the contact by its contact number, and reads the contact as usual.
     */
    private Optional<LinkedContact> createContact(HandoffKey key, FinanceCustomer customer) {
        AccountingContact created = accounting.createContact(customer.toContactRequest());
        ledger.appendEvent(key, "customer", "created", "contact " + created.contactId(), now());
        return link(key, customer.crmCompanyId(), created, "created", Optional.of(CreditStanding.clear()));
    }

    /**
     * Returns the linked contact, or the contact finance merged it into, re-pointing the ledger link so later
     * invoices go to the surviving contact, and syncs the contact's mapped fields. A linked contact that the
     * accounting system does not return is used without a sync. The receivables come from the same read of the
     * surviving contact, so the credit rules need no second read of it.
     */
    private LinkedContact useLinkedContact(HandoffKey key, FinanceCustomer customer, String contactId) {
        String companyId = customer.crmCompanyId();
        Optional<AccountingContact> current = accounting.findContact(contactId);
        String mergedTo = current.map(AccountingContact::mergedToContactId).orElse(null);
        if (mergedTo != null) {
            ledger.putCustomerLink(key.crm(), key.accountId(), companyId, tenantId, mergedTo, now());
            ledger.appendEvent(key, "customer", "re-linked",
                    "contact " + contactId + " was merged into contact " + mergedTo, now());
            contactId = mergedTo;
            current = accounting.findContact(mergedTo);
        }
        current.ifPresent(contact -> syncFields(key, customer, contact));
        return new LinkedContact(contactId, current.map(AccountingContact::receivables));
    }

    /**
     * Writes the mapped fields of a linked contact that differ from the CRM, and nothing else. A contact
     * adopted by a lookup is not synced on that first handoff (only its contact number is written), so a match
     * never overwrites finance's record before the link exists.
     */
    private void syncFields(HandoffKey key, FinanceCustomer customer, AccountingContact current) {
        Optional<ContactRequest> changes = fieldSync.changes(customer.toContactRequest(), current);
        if (changes.isEmpty()) {
            return;
        }
        accounting.updateContact(current.contactId(), changes.get());
        ledger.appendEvent(key, "customer", "updated",
                "contact " + current.contactId() + " fields " + String.join(",", changedFields(changes.get())), now());
    }

    /** Names the written fields for the timeline; the values are personal data and stay out of the ledger. */
    private static List<String> changedFields(ContactRequest changes) {
        List<String> fields = new ArrayList<>();
        if (changes.name() != null) {
            fields.add("name");
        }
        if (changes.emailAddress() != null) {
            fields.add("emailAddress");
        }
        if (changes.taxNumber() != null) {
            fields.add("taxNumber");
        }
        if (changes.companyNumber() != null) {
            fields.add("companyNumber");
        }
        if (changes.billingAddress() != null) {
            fields.add("billingAddress");
        }
        return fields;
    }

    /** Links a contact found by a lookup, and writes the CRM company id as its contact number if it has none. */
    private Optional<LinkedContact> adopt(HandoffKey key, String companyId, AccountingContact contact, String matchedBy) {
        if (contact.contactNumber() == null || contact.contactNumber().isBlank()) {
            accounting.setContactNumber(contact.contactId(), companyId);
        }
        return link(key, companyId, contact, matchedBy, Optional.empty());
    }

    private Optional<LinkedContact> link(HandoffKey key, String companyId, AccountingContact contact, String matchedBy,
            Optional<CreditStanding> receivables) {
        ledger.putCustomerLink(key.crm(), key.accountId(), companyId, tenantId, contact.contactId(), now());
        ledger.appendEvent(key, "customer", "linked", "contact " + contact.contactId() + " by " + matchedBy, now());
        return Optional.of(new LinkedContact(contact.contactId(), receivables));
    }

    /**
     * Holds an archived-only or ambiguous match for a CUSTOMER_MERGE review. Once finance approved that review,
     * the match is taken as confirmed to be a different customer, so a new contact is created. Finance can
     * instead merge or restore the contact in accounting before approving, and the match then resolves.
     */
    private Optional<LinkedContact> holdForMatch(Handoff handoff, FinanceCustomer customer, CustomerMatcher.NeedsReview review) {
        if (gate.isApproved(handoff.key(), ReviewType.CUSTOMER_MERGE, review.reason())) {
            ledger.appendEvent(handoff.key(), "customer", "new customer confirmed", "by an approved review", now());
            return createContact(handoff.key(), customer);
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("companyId", customer.crmCompanyId());
        facts.put("companyName", customer.legalName());
        facts.put("matchedBy", review.matchedBy());
        facts.put("candidateContactIds", String.join(",", review.candidateContactIds()));
        Handoff current = ledger.find(handoff.key()).orElse(handoff);
        blocker.holdForReview(current, HandoffState.RECEIVED, ReviewType.CUSTOMER_MERGE, List.of("company"),
                review.reason(), facts, "");
        return Optional.empty();
    }

    private void blockForProblems(Handoff handoff, List<CustomerMapper.Problem> problems) {
        List<String> fields = problems.stream().map(CustomerMapper.Problem::field).toList();
        StringBuilder reason = new StringBuilder("Missing or invalid deal data: ");
        for (int i = 0; i < problems.size(); i++) {
            CustomerMapper.Problem problem = problems.get(i);
            reason.append(i == 0 ? "" : "; ").append(problem.field()).append(" (").append(problem.fix()).append(')');
        }
        blocker.block(handoff, HandoffState.RECEIVED, fields, reason.append('.').toString());
    }

    private static List<CustomerMapper.Problem> lineItemProblems(CrmDeal deal) {
        List<CustomerMapper.Problem> problems = new ArrayList<>();
        if (deal.lineItems().isEmpty()) {
            problems.add(new CustomerMapper.Problem("deal.line_items", "add the products sold as line items on the deal"));
        }
        for (CrmLineItem item : deal.lineItems()) {
            if (item.quantity() == null || item.quantity().signum() <= 0) {
                problems.add(new CustomerMapper.Problem("line_item." + item.id() + ".quantity", "enter a quantity above zero"));
            }
            if (item.unitPrice() == null || item.unitPrice().compareTo(BigDecimal.ZERO) < 0) {
                problems.add(new CustomerMapper.Problem("line_item." + item.id() + ".price", "enter a unit price of zero or more"));
            }
        }
        return problems;
    }

    private void requestInvoice(HandoffKey key) {
        queue.send(invoiceQueueUrl, new InvoiceRequestMessage(key.value()), Map.of("handoffKey", key.value()));
        ledger.appendEvent(key, "invoice", "requested", "sent to the invoice-request queue", now());
    }

    private Instant now() {
        return Instant.now(clock);
    }

    /**
     * The contact a handoff invoices, with its receivables when the read that found it carried them or when it
     * was created just now. Empty receivables mean the credit rules read them.
     */
    private record LinkedContact(String contactId, Optional<CreditStanding> receivables) {
    }
}
