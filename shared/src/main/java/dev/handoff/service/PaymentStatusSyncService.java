package dev.handoff.service;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.config.OnboardingRule;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.domain.PaymentStatus;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.message.OnboardingTrigger;
import dev.handoff.message.PaymentEventMessage;
import dev.handoff.message.QueuePublisher;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads an invoice named by an accounting webhook, records its payment status in the ledger, writes it
 * to the CRM deal, and sends the onboarding trigger once the onboarding rule holds. The invoice is never
 * edited.
 *
 * <p>One trigger per handoff: the handoff moves to ONBOARDING_PENDING with a conditional write before the send,
 * so only one worker sends. A worker that died between the send and ONBOARDING_SENT resends it on redelivery,
 * and the FIFO queue drops the resend when it comes within SQS's five-minute deduplication window. A resend
 * after a longer outage reaches the queue again, so consumers deduplicate on {@code triggerId}.
 */
public final class PaymentStatusSyncService {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentStatusSyncService.class);
    private static final Set<HandoffState> INVOICE_EXISTS = EnumSet.of(HandoffState.INVOICED,
            HandoffState.PARTIALLY_PAID, HandoffState.PAID, HandoffState.ONBOARDING_PENDING, HandoffState.ONBOARDING_SENT);

    private final Ledger ledger;
    private final AccountingClient accounting;
    private final CrmStatusWriter crmStatus;
    private final QueuePublisher queue;
    private final OnboardingRule onboardingRule;
    private final String onboardingQueueUrl;
    private final Clock clock;
    private final Optional<DisputeCheck> disputes;

    /** Records voids without checking the CRM deal for a commercial dispute. */
    public PaymentStatusSyncService(Ledger ledger, AccountingClient accounting, CrmStatusWriter crmStatus,
            QueuePublisher queue, OnboardingRule onboardingRule, String onboardingQueueUrl, Clock clock) {
        this(ledger, accounting, crmStatus, queue, onboardingRule, onboardingQueueUrl, clock, Optional.empty());
    }

    public PaymentStatusSyncService(Ledger ledger, AccountingClient accounting, CrmStatusWriter crmStatus,
            QueuePublisher queue, OnboardingRule onboardingRule, String onboardingQueueUrl, Clock clock,
            Optional<DisputeCheck> disputes) {
        this.disputes = disputes;
        this.ledger = ledger;
        this.accounting = accounting;
        this.crmStatus = crmStatus;
        this.queue = queue;
        this.onboardingRule = onboardingRule;
        this.onboardingQueueUrl = onboardingQueueUrl;
        this.clock = clock;
    }

    /** Outcome of one message, for the handler's summary log. */
    public enum Outcome { NOT_OURS, SYNCED, IN_REVIEW, ONBOARDING_SENT }

    public Outcome process(PaymentEventMessage message) {
        Optional<HandoffKey> key = ledger.findHandoffByInvoice(message.tenantId(), message.invoiceId());
        if (key.isEmpty()) {
            LOG.info("Invoice {} of tenant {} was not raised by Handoff; event ignored", message.invoiceId(), message.tenantId());
            return Outcome.NOT_OURS;
        }
        Handoff handoff = ledger.find(key.get()).orElseThrow(() ->
                new IllegalStateException("Invoice index points to missing handoff " + key.get()));
        if (handoff.state() == HandoffState.INVOICE_IN_FLIGHT || handoff.state() == HandoffState.CUSTOMER_READY) {
            // The invoice exists but invoice creation has not recorded it yet; acknowledging now would lose the payment.
            throw new dev.handoff.error.RetryableException("Handoff " + handoff.key() + " is still at " + handoff.state()
                    + "; payment event for invoice " + message.invoiceId() + " will be retried", null);
        }
        if (!INVOICE_EXISTS.contains(handoff.state())) {
            LOG.info("Handoff {} is at {}; payment event for invoice {} ignored", handoff.key(), handoff.state(), message.invoiceId());
            return Outcome.NOT_OURS;
        }

        AccountingInvoice invoice = accounting.getInvoice(message.invoiceId());
        PaymentStatus status = PaymentStatus.of(invoice);
        if (status == PaymentStatus.VOIDED && disputes.isPresent() && handoff.state().canMoveTo(HandoffState.VOIDED)) {
            Handoff recorded = ledger.update(handoff, InvoiceCreationService.invoiceAttributes(invoice), Instant.now(clock));
            if (disputes.get().holdsVoidedInvoice(recorded, invoice)) {
                return Outcome.IN_REVIEW;
            }
            handoff = recorded;
        }
        handoff = recordStatus(handoff, invoice, status);
        handoff = crmStatus.writeInvoiceStatus(handoff);

        // A trigger already decided (ONBOARDING_PENDING) is always sent, even if the invoice is voided since.
        if (handoff.state() != HandoffState.ONBOARDING_PENDING
                && (status == PaymentStatus.VOIDED || !onboardingDue(handoff, invoice, status))) {
            return Outcome.SYNCED;
        }
        sendOnboarding(handoff, status);
        return Outcome.ONBOARDING_SENT;
    }

    private Handoff recordStatus(Handoff handoff, AccountingInvoice invoice, PaymentStatus status) {
        var change = InvoiceCreationService.invoiceAttributes(invoice);
        HandoffState next = switch (status) {
            case PARTIALLY_PAID -> HandoffState.PARTIALLY_PAID;
            case PAID -> HandoffState.PAID;
            case VOIDED -> HandoffState.VOIDED;
            default -> handoff.state();
        };
        boolean progresses = (handoff.state() == HandoffState.INVOICED || handoff.state() == HandoffState.PARTIALLY_PAID)
                && next != handoff.state() && handoff.state().canMoveTo(next);
        Handoff updated = progresses
                ? ledger.transition(handoff, next, change, Instant.now(clock))
                : ledger.update(handoff, change, Instant.now(clock));
        ledger.appendEvent(handoff.key(), "payment", status.name(), "invoice " + invoice.invoiceId(), Instant.now(clock));
        return updated;
    }

    private boolean onboardingDue(Handoff handoff, AccountingInvoice invoice, PaymentStatus status) {
        if (handoff.state() == HandoffState.ONBOARDING_SENT) {
            return false;
        }
        if (handoff.state() == HandoffState.ONBOARDING_PENDING) {
            return true;
        }
        if (onboardingRule.isFullyPaidRule()) {
            return status == PaymentStatus.PAID;
        }
        return status == PaymentStatus.PAID || PaymentStatus.isSettledAtLeast(invoice, onboardingRule.minimumPaidFraction());
    }

    private void sendOnboarding(Handoff handoff, PaymentStatus status) {
        Handoff pending = handoff.state() == HandoffState.ONBOARDING_PENDING
                ? handoff
                : ledger.transition(handoff, HandoffState.ONBOARDING_PENDING, dev.handoff.ledger.HandoffChange.none(), Instant.now(clock));
        HandoffKey key = pending.key();
        String triggerId = key.value() + ":onboarding:v1";
        OnboardingTrigger trigger = new OnboardingTrigger(triggerId, key.value(), key.crm(), key.accountId(), key.dealId(),
                pending.tenantId(), pending.invoiceId(), pending.invoiceNumber(), status.name(),
                onboardingRule.isFullyPaidRule() ? "PAID" : "PERCENT_PAID:" + onboardingRule.minimumPaidFraction().movePointRight(2).stripTrailingZeros().toPlainString(),
                Instant.now(clock).toString());
        queue.sendFifo(onboardingQueueUrl, trigger, key.value(), triggerId);
        Handoff sent = ledger.transition(pending, HandoffState.ONBOARDING_SENT, dev.handoff.ledger.HandoffChange.none(),
                Instant.now(clock));
        ledger.appendEvent(key, "onboarding", "sent", "trigger " + triggerId, Instant.now(clock));
        LOG.info("Handoff {} onboarding trigger sent", key);
        crmStatus.writeInvoiceStatus(sent);
    }
}
