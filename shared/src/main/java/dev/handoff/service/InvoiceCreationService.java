package dev.handoff.service;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.accounting.CallReservation;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.DealMergedException;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.domain.PaymentStatus;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.DataException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.message.InvoiceRequestMessage;
import dev.handoff.message.PaymentEventMessage;
import dev.handoff.message.QueuePublisher;
import dev.handoff.review.ReviewType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises the sales invoice for a handoff whose customer is ready, without a second invoice on retry.
 *
 * <p>Before calling the accounting system the service records INVOICE_IN_FLIGHT with the idempotency key.
 * A call that timed out may still have created the invoice. So once a key is recorded, every later attempt
 * (a redelivery or a resume after BLOCKED) first looks the invoice up by its reference and adopts it. Only if
 * none exists does it create again, with the same idempotency key.
 */
public final class InvoiceCreationService {

    private static final Logger LOG = LoggerFactory.getLogger(InvoiceCreationService.class);

    private final Ledger ledger;
    private final CrmClient crm;
    private final AccountingClient accounting;
    private final InvoiceDrafter drafter;
    private final CrmStatusWriter crmStatus;
    private final HandoffBlocker blocker;
    private final Map<TaxCategory, BigDecimal> vatRates;
    private final QueuePublisher queue;
    private final String paymentEventsQueueUrl;
    private final Clock clock;
    private final WonStages wonStages;

    public InvoiceCreationService(Ledger ledger, CrmClient crm, AccountingClient accounting, InvoiceDrafter drafter,
            CrmStatusWriter crmStatus, HandoffBlocker blocker, BigDecimal standardVatRate, QueuePublisher queue,
            String paymentEventsQueueUrl, Clock clock, WonStages wonStages) {
        this.ledger = ledger;
        this.crm = crm;
        this.accounting = accounting;
        this.drafter = drafter;
        this.crmStatus = crmStatus;
        this.blocker = blocker;
        this.vatRates = Map.of(TaxCategory.STANDARD, standardVatRate, TaxCategory.ZERO_RATED, BigDecimal.ZERO,
                TaxCategory.ZERO_RATED_EXPORT, BigDecimal.ZERO, TaxCategory.EXEMPT, BigDecimal.ZERO);
        this.queue = queue;
        this.paymentEventsQueueUrl = paymentEventsQueueUrl;
        this.clock = clock;
        this.wonStages = Objects.requireNonNull(wonStages, "wonStages");
    }

    /** Outcome of one message, for the handler's summary log. */
    public enum Outcome { INVOICED, ADOPTED, BLOCKED, IN_REVIEW, ALREADY_DONE, NOT_READY }

    public Outcome process(InvoiceRequestMessage message) {
        HandoffKey key = HandoffKey.parse(message.handoffKey());
        Optional<Handoff> found = ledger.find(key);
        if (found.isEmpty()) {
            throw new DataException("Invoice request for unknown handoff " + key, List.of("handoffKey"));
        }
        Handoff handoff = found.get();

        // A recorded idempotency key proves an earlier attempt may have reached the accounting system, so the
        // invoice is looked up by reference before any create, also when resuming from BLOCKED.
        boolean attemptedBefore = handoff.invoiceIdempotencyKey() != null;
        switch (handoff.state()) {
            case CUSTOMER_READY:
                return createInvoice(handoff, attemptedBefore);
            case INVOICE_IN_FLIGHT:
                return createInvoice(handoff, true);
            case BLOCKED:
                if (handoff.resumeState() == HandoffState.CUSTOMER_READY) {
                    return createInvoice(handoff, attemptedBefore);
                }
                LOG.info("Handoff {} is blocked before the invoice step; invoice request ignored", key);
                return Outcome.NOT_READY;
            case INVOICED, PARTIALLY_PAID, PAID, ONBOARDING_PENDING, ONBOARDING_SENT:
                // The invoice exists. The last attempt may have died before the CRM write or the payment request.
                Handoff synced = crmStatus.writeInvoiceStatus(handoff);
                requestPaymentSyncIfSettled(synced);
                return Outcome.ALREADY_DONE;
            default:
                LOG.info("Handoff {} is at {}; invoice request ignored", key, handoff.state());
                return Outcome.NOT_READY;
        }
    }

    private Outcome createInvoice(Handoff handoff, boolean lookUpFirst) {
        HandoffKey key = handoff.key();
        // A tenant at its accounting limit would stop this attempt after the CRM read, so it stops before it.
        accounting.requireCallsAvailable(1);
        CrmDeal deal;
        try {
            deal = crm.readDeal(key.dealId());
        } catch (DealMergedException e) {
            MergedDealHold.hold(blocker, handoff, HandoffState.CUSTOMER_READY, e);
            return Outcome.IN_REVIEW;
        } catch (DataException e) {
            blocker.block(handoff, HandoffState.CUSTOMER_READY, e.fields().isEmpty() ? List.of("deal") : e.fields(),
                    "The deal's CRM data could not be read for the invoice.", e.getMessage());
            return Outcome.BLOCKED;
        }
        InvoiceRequest request = drafter.draft(key, deal, handoff.customerId(), handoff.createdAt());
        // The create is paid for before the ledger changes, so a spent rate limit delays the step here, not halfway.
        try (CallReservation reserved = accounting.reserveCalls(1)) {
            return raiseInvoice(handoff, deal, request, lookUpFirst);
        }
    }

    private Outcome raiseInvoice(Handoff handoff, CrmDeal deal, InvoiceRequest request, boolean lookUpFirst) {
        HandoffKey key = handoff.key();
        String idempotencyKey = InvoiceDrafter.idempotencyKey(key);

        // The deal may have left won since the customer step. An invoice that an earlier attempt created is still
        // adopted, because it exists in the accounting system. The deal change then puts it on hold for a dispute review.
        Optional<AccountingInvoice> existing = Optional.empty();
        if (!wonStages.isWon(deal.pipeline(), deal.stage())) {
            existing = lookUpFirst ? findCreatedInvoice(request.reference()) : Optional.empty();
            if (existing.isEmpty()) {
                LOG.info("Handoff {} deal is no longer in a won stage; blocked before the invoice", key);
                blocker.block(handoff, HandoffState.CUSTOMER_READY, List.of("deal.dealstage"),
                        "The deal is no longer in a won stage, so no invoice was raised. Move the deal back to won "
                                + "if it was won; Handoff then raises the invoice.");
                return Outcome.BLOCKED;
            }
        }

        Handoff inFlight = handoff;
        if (handoff.state() != HandoffState.INVOICE_IN_FLIGHT) {
            inFlight = ledger.transition(handoff, HandoffState.INVOICE_IN_FLIGHT, HandoffChange.none()
                    .set(Attribute.INVOICE_IDEMPOTENCY_KEY, idempotencyKey)
                    .set(Attribute.INVOICE_IN_FLIGHT_SINCE, Instant.now(clock))
                    .clear(Attribute.BLOCKED_REASON).clear(Attribute.BLOCKED_FIELDS).clear(Attribute.RESUME_STATE),
                    Instant.now(clock));
        }
        if (existing.isEmpty() && lookUpFirst) {
            existing = findCreatedInvoice(request.reference());
        }

        AccountingInvoice invoice;
        Outcome outcome;
        if (existing.isPresent()) {
            invoice = existing.get();
            outcome = Outcome.ADOPTED;
            ledger.appendEvent(key, "invoice", "adopted", "invoice " + invoice.invoiceId() + " found by reference", Instant.now(clock));
        } else {
            try {
                invoice = accounting.createInvoice(request, idempotencyKey);
            } catch (DataException e) {
                blocker.block(inFlight, HandoffState.CUSTOMER_READY, e.fields().isEmpty() ? List.of("invoice") : e.fields(),
                        rejectionReason(e, request), e.getMessage());
                return Outcome.BLOCKED;
            }
            outcome = Outcome.INVOICED;
            ledger.appendEvent(key, "invoice", "created", "invoice " + invoice.invoiceId(), Instant.now(clock));
        }

        ledger.putInvoiceIndex(handoff.tenantId(), invoice.invoiceId(), key, Instant.now(clock));
        Handoff invoiced = ledger.transition(inFlight, HandoffState.INVOICED, invoiceAttributes(invoice), Instant.now(clock));
        Handoff written = crmStatus.writeInvoiceStatus(invoiced);
        Handoff reconciled = reconcile(written, request, invoice);
        if (reconciled.state() == HandoffState.IN_REVIEW) {
            return Outcome.IN_REVIEW;
        }
        requestPaymentSyncIfSettled(reconciled);
        return outcome;
    }

    /**
     * Names the fix for a rejected invoice. Xero rejects approval once an organisation's plan has used up its
     * approved invoices, with the message "You have reached the limit of invoices you can approve".
     */
    private static String rejectionReason(DataException rejection, InvoiceRequest request) {
        String message = String.valueOf(rejection.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("limit of invoices you can approve") && "AUTHORISED".equals(request.status())) {
            return "The accounting system's plan allows no more approved invoices: upgrade the plan, or set "
                    + "InvoiceStatus to DRAFT so finance approves invoices by hand.";
        }
        return "The accounting system rejected the invoice.";
    }

    /**
     * Queues a payment event for a handoff still at INVOICED whose invoice was already paid, credited or voided
     * when it was adopted. Its webhook may have arrived while the handoff was in flight, and Xero sends no
     * second one. The payment consumer is idempotent, so a repeated request is harmless.
     */
    private void requestPaymentSyncIfSettled(Handoff handoff) {
        String status = handoff.paymentStatus();
        boolean settled = PaymentStatus.PARTIALLY_PAID.name().equals(status) || PaymentStatus.PAID.name().equals(status)
                || PaymentStatus.VOIDED.name().equals(status);
        if (handoff.state() != HandoffState.INVOICED || !settled) {
            return;
        }
        queue.send(paymentEventsQueueUrl, new PaymentEventMessage(handoff.tenantId(), handoff.invoiceId(), ""),
                Map.of("invoiceId", handoff.invoiceId()));
        ledger.appendEvent(handoff.key(), "payment", "sync requested", "invoice " + handoff.invoiceId() + " is " + status,
                Instant.now(clock));
    }

    /** Returns an invoice this handoff created earlier, found by the deal reference; voided or deleted ones do not count. */
    private Optional<AccountingInvoice> findCreatedInvoice(String reference) {
        return accounting.findInvoicesByReference(reference).stream()
                .filter(invoice -> reference.equals(invoice.reference()))
                .filter(invoice -> !isCancelled(invoice))
                .findFirst();
    }

    private static boolean isCancelled(AccountingInvoice invoice) {
        String status = invoice.status() == null ? "" : invoice.status().toUpperCase(Locale.ROOT);
        return status.equals("VOIDED") || status.equals("DELETED");
    }

    /**
     * Compares the accounting system's total and VAT with those computed from the CRM lines. A difference puts
     * the invoiced handoff on hold for a tax review that shows both figures, because no rounding line is ever added
     * silently. The figures go to the ledger and the CRM deal, not to the logs.
     *
     * @return the handoff, IN_REVIEW if the figures differ
     */
    private Handoff reconcile(Handoff invoiced, InvoiceRequest request, AccountingInvoice invoice) {
        BigDecimal expectedTotal = InvoiceDrafter.expectedTotal(request, vatRates);
        BigDecimal expectedTax = InvoiceDrafter.expectedTax(request, vatRates);
        boolean totalDiffers = invoice.total() != null && invoice.total().compareTo(expectedTotal) != 0;
        boolean taxDiffers = invoice.totalTax() != null && invoice.totalTax().compareTo(expectedTax) != 0;
        if (!totalDiffers && !taxDiffers) {
            return invoiced;
        }

        String accountingTax = invoice.totalTax() == null ? "not reported" : invoice.totalTax().toPlainString();
        String accountingTotal = invoice.total() == null ? "not reported" : invoice.total().toPlainString();
        String reason = "The accounting system's invoice " + invoice.invoiceNumber() + " does not add up to the CRM deal: "
                + "total " + accountingTotal + " against the CRM's " + expectedTotal.toPlainString()
                + ", VAT " + accountingTax + " against the CRM's " + expectedTax.toPlainString()
                + " (VAT rounded per line). Finance must check the rounding method and correct the invoice or the deal.";
        Map<String, String> facts = Map.of(
                "invoiceId", invoice.invoiceId(),
                "crmTotal", expectedTotal.toPlainString(),
                "crmTax", expectedTax.toPlainString(),
                "accountingTotal", accountingTotal,
                "accountingTax", accountingTax,
                "currency", String.valueOf(invoice.currencyCode()));
        LOG.warn("Handoff {} invoice {} totals differ from the CRM lines; held for tax review", invoiced.key(), invoice.invoiceId());
        return blocker.holdForReview(invoiced, HandoffState.INVOICED, ReviewType.TAX_EXCEPTION, List.of("invoice.total"),
                reason, facts, "");
    }

    static HandoffChange invoiceAttributes(AccountingInvoice invoice) {
        HandoffChange change = HandoffChange.none()
                .set(Attribute.INVOICE_ID, invoice.invoiceId())
                .set(Attribute.PAYMENT_STATUS, PaymentStatus.of(invoice).name());
        if (invoice.invoiceNumber() != null) {
            change.set(Attribute.INVOICE_NUMBER, invoice.invoiceNumber());
        }
        if (invoice.status() != null) {
            change.set(Attribute.INVOICE_STATUS, invoice.status());
        }
        if (invoice.currencyCode() != null) {
            change.set(Attribute.CURRENCY, invoice.currencyCode());
        }
        setAmount(change, Attribute.INVOICE_TOTAL, invoice.total());
        setAmount(change, Attribute.AMOUNT_DUE, invoice.amountDue());
        setAmount(change, Attribute.AMOUNT_PAID, invoice.amountPaid());
        setAmount(change, Attribute.AMOUNT_CREDITED, invoice.amountCredited());
        return change;
    }

    private static void setAmount(HandoffChange change, Attribute attribute, BigDecimal amount) {
        change.set(attribute, amount == null ? BigDecimal.ZERO.setScale(2) : amount);
    }
}
