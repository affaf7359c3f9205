package dev.handoff.service;

import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.DealMergedException;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.error.NotFoundException;
import dev.handoff.error.RetryableException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.message.DealChange;
import dev.handoff.message.DealWonMessage;
import dev.handoff.review.ReviewType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a change to a deal that already has a handoff. Once an invoice exists, Handoff never raises a second
 * one for the deal: a change that makes the invoice wrong puts the handoff on hold for a person's review instead.
 * Amount, currency, close date and line item changes are pricing reviews. Leaving the won stage, moving to
 * another pipeline outside its won stages, and deletion are commercial disputes. A change of the customer
 * company, or a merge into another deal, is a customer merge review.
 *
 * <p>Changes before the invoice need no review, because the invoice step reads the deal as it is then.
 */
public final class DealChangeService {

    private static final Logger LOG = LoggerFactory.getLogger(DealChangeService.class);

    /** How long a change waits for an invoice that is being created, before it is checked again. */
    static final Duration INVOICE_IN_FLIGHT_DELAY = Duration.ofSeconds(60);

    private final Ledger ledger;
    private final CrmClient crm;
    private final HandoffBlocker blocker;
    private final WonStages wonStages;
    private final String tenantId;
    private final Clock clock;

    public DealChangeService(Ledger ledger, CrmClient crm, HandoffBlocker blocker, WonStages wonStages,
            String tenantId, Clock clock) {
        this.ledger = ledger;
        this.crm = crm;
        this.blocker = blocker;
        this.wonStages = wonStages;
        this.tenantId = tenantId;
        this.clock = clock;
    }

    /** Outcome of one change message, for the handler's summary log. */
    public enum Outcome { HELD_FOR_REVIEW, REVIEW_RECORDED, NO_REVIEW_NEEDED }

    /**
     * Holds the handoff for review if the change makes its invoice wrong.
     *
     * @throws RetryableException while the invoice is being created, so the change is checked once it exists
     * @throws IllegalArgumentException if the message carries no change
     */
    public Outcome process(DealWonMessage message) {
        DealChange change = message.change();
        if (change == null) {
            throw new IllegalArgumentException("message " + message.eventKey() + " is a won event, not a change");
        }
        HandoffKey key = HandoffKey.parse(message.handoffKey());
        Optional<Handoff> found = ledger.find(key);
        if (found.isEmpty() || found.get().invoiceIdempotencyKey() == null) {
            LOG.info("Deal change {} ({}) on handoff {}: no invoice requested yet, no review needed",
                    message.eventKey(), change.type(), key);
            return Outcome.NO_REVIEW_NEEDED;
        }
        Handoff handoff = found.get();
        if (handoff.invoiceId() == null) {
            throw new RetryableException("Handoff " + key + " has an invoice in flight; deal change "
                    + message.eventKey() + " is checked again once the invoice exists", INVOICE_IN_FLIGHT_DELAY, null);
        }

        Optional<Review> review = review(handoff, change);
        if (review.isEmpty()) {
            LOG.info("Deal change {} ({}) on handoff {} leaves invoice {} correct", message.eventKey(), change.type(),
                    key, handoff.invoiceId());
            return Outcome.NO_REVIEW_NEEDED;
        }
        Outcome outcome = hold(handoff, review.get());
        if (change.type() == DealChange.Type.MERGE && change.value() != null) {
            holdSurvivingDeal(handoff, change.value(), message.eventKey());
        }
        return outcome;
    }

    /**
     * Opens the surviving deal's handoff, if it has none yet, and puts it on hold. Then moving the surviving deal to
     * won cannot raise a second invoice for what the merged deal's invoice already billed.
     */
    private void holdSurvivingDeal(Handoff merged, String survivingDealId, String eventKey) {
        HandoffKey survivorKey = new HandoffKey(merged.key().crm(), merged.key().accountId(), survivingDealId);
        Handoff survivor = ledger.openHandoff(survivorKey, merged.tenantId(), eventKey, Instant.now(clock));
        if (survivor.state() != HandoffState.RECEIVED) {
            LOG.info("Surviving deal's handoff {} is already at {}; left as it is", survivorKey, survivor.state());
            return;
        }
        Map<String, String> facts = invoiceFacts(merged);
        facts.put("mergedDealId", merged.key().dealId());
        // NOTE: resuming at INVOICED keeps the won step from starting on this handoff, which has no invoice of
        // its own. A person must link the merged deal's invoice or release the hold.
        blocker.holdForReview(survivor, HandoffState.INVOICED, ReviewType.CUSTOMER_MERGE, List.of("deal"),
                "Deal " + merged.key().dealId() + " was merged into this deal after invoice " + invoiceName(merged)
                        + " was raised for it. Finance must link that invoice here; Handoff does not raise a second one.",
                facts, "");
    }

    private Optional<Review> review(Handoff handoff, DealChange change) {
        if (change.type() == DealChange.Type.MERGE) {
            return Optional.of(mergeReview(handoff, change.value()));
        }
        if (change.type() == DealChange.Type.DELETION) {
            return Optional.of(deletedReview(handoff));
        }

        CrmDeal deal;
        try {
            deal = crm.readDeal(handoff.key().dealId());
        } catch (DealMergedException e) {
            return Optional.of(mergeReview(handoff, e.survivingDealId()));
        } catch (NotFoundException e) {
            return Optional.of(deletedReview(handoff));
        }

        if (!wonStages.isWon(deal.pipeline(), deal.stage())) {
            Map<String, String> facts = invoiceFacts(handoff);
            facts.put("pipelineId", Objects.requireNonNullElse(deal.pipeline(), ""));
            facts.put("stageId", Objects.requireNonNullElse(deal.stage(), ""));
            return Optional.of(new Review(ReviewType.COMMERCIAL_DISPUTE, List.of("deal.dealstage"),
                    "The deal left the won stage after invoice " + invoiceName(handoff) + " was raised. Finance must "
                            + "decide whether to credit the invoice; move the deal back to won if it is still won.",
                    facts));
        }
        if (change.type() == DealChange.Type.ASSOCIATION_CHANGE) {
            return Optional.of(associationReview(handoff, change));
        }
        return propertyReview(handoff, change, deal);
    }

    private Optional<Review> propertyReview(Handoff handoff, DealChange change, CrmDeal deal) {
        Map<String, String> facts = invoiceFacts(handoff);
        String property = Objects.requireNonNullElse(change.name(), "");
        switch (property) {
            case "amount" -> {
                facts.put("newDealAmount", deal.amount() == null ? "" : deal.amount().toPlainString());
                facts.put("newDealCurrency", Objects.requireNonNullElse(deal.currency(), ""));
                return Optional.of(new Review(ReviewType.PRICING_OVERRIDE, List.of("deal.amount"),
                        "The deal amount changed after invoice " + invoiceName(handoff) + " was raised. Finance must "
                                + "decide whether to credit or adjust the invoice; Handoff does not raise a second one.",
                        facts));
            }
            case "deal_currency_code", "closedate" -> {
                facts.put("changedProperty", property);
                return Optional.of(new Review(ReviewType.PRICING_OVERRIDE, List.of("deal." + property),
                        "The deal's " + (property.equals("closedate") ? "close date" : "currency") + " changed after invoice "
                                + invoiceName(handoff) + " was raised. Finance must decide whether the invoice needs to change.",
                        facts));
            }
            default -> {
                // dealstage or pipeline changed, but the deal is still in a won stage.
                return Optional.empty();
            }
        }
    }

    private Review associationReview(Handoff handoff, DealChange change) {
        Map<String, String> facts = invoiceFacts(handoff);
        facts.put("associationType", Objects.requireNonNullElse(change.name(), ""));
        facts.put("association", Objects.requireNonNullElse(change.value(), ""));
        if ("DEAL_TO_COMPANY".equals(change.name())) {
            return new Review(ReviewType.CUSTOMER_MERGE, List.of("deal.company"),
                    "The deal's company changed after invoice " + invoiceName(handoff) + " was raised. Finance must "
                            + "decide whether the invoice belongs to another customer.", facts);
        }
        return new Review(ReviewType.PRICING_OVERRIDE, List.of("deal.line_items"),
                "The deal's line items changed after invoice " + invoiceName(handoff) + " was raised. Finance must "
                        + "decide whether to credit or adjust the invoice; Handoff does not raise a second one.", facts);
    }

    private Review deletedReview(Handoff handoff) {
        return new Review(ReviewType.COMMERCIAL_DISPUTE, List.of("deal"),
                "The deal was deleted after invoice " + invoiceName(handoff) + " was raised. Finance must decide "
                        + "whether to credit the invoice.", invoiceFacts(handoff));
    }

    private Review mergeReview(Handoff handoff, String survivingDealId) {
        Map<String, String> facts = invoiceFacts(handoff);
        facts.put("survivingDealId", Objects.requireNonNullElse(survivingDealId, ""));
        return new Review(ReviewType.CUSTOMER_MERGE, List.of("deal"),
                "The deal was merged into deal " + survivingDealId + " after invoice " + invoiceName(handoff)
                        + " was raised. Finance must link the invoice to the surviving deal; Handoff does not raise "
                        + "a second invoice for it.", facts);
    }

    private Outcome hold(Handoff handoff, Review review) {
        if (!handoff.state().canMoveTo(HandoffState.IN_REVIEW) && handoff.state() != HandoffState.IN_REVIEW) {
            // An onboarded, voided or rejected handoff has no step left to hold, so the review is a timeline
            // event and a warning for finance.
            ledger.appendEvent(handoff.key(), "review", review.type().name(), review.reason(), Instant.now(clock));
            LOG.warn("Handoff {} at {} needs a {} review; recorded on the timeline only", handoff.key(),
                    handoff.state(), review.type());
            return Outcome.REVIEW_RECORDED;
        }
        boolean held = handoff.state() == HandoffState.BLOCKED || handoff.state() == HandoffState.IN_REVIEW;
        HandoffState resumeState = held && handoff.resumeState() != null ? handoff.resumeState() : handoff.state();
        blocker.holdForReview(handoff, resumeState, review.type(), review.fields(), review.reason(), review.facts(), "");
        return Outcome.HELD_FOR_REVIEW;
    }

    private Map<String, String> invoiceFacts(Handoff handoff) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("tenantId", Objects.requireNonNullElse(handoff.tenantId(), tenantId));
        facts.put("invoiceId", handoff.invoiceId());
        facts.put("invoiceNumber", Objects.requireNonNullElse(handoff.invoiceNumber(), ""));
        facts.put("invoiceTotal", plain(handoff.invoiceTotal()));
        facts.put("invoiceCurrency", Objects.requireNonNullElse(handoff.currency(), ""));
        return facts;
    }

    private static String invoiceName(Handoff handoff) {
        return handoff.invoiceNumber() != null ? handoff.invoiceNumber() : handoff.invoiceId();
    }

    private static String plain(BigDecimal amount) {
        return amount == null ? "" : amount.toPlainString();
    }

    private record Review(ReviewType type, List<String> fields, String reason, Map<String, String> facts) {
    }
}
