package dev.handoff.service;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.CreditStanding;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.review.ReviewFinding;
import dev.handoff.review.ReviewItem;
import dev.handoff.review.ReviewRules;
import dev.handoff.review.ReviewStatus;
import dev.handoff.review.ReviewStore;
import dev.handoff.review.ReviewType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies the review rules at the two points where a handoff can stop for a person: before the customer step,
 * on the deal alone (pricing and tax, resuming at RECEIVED), and once the customer is linked (credit, resuming
 * at CUSTOMER_READY). A finding whose review a person already approved for this handoff, with the same reason,
 * no longer puts it on hold, so an approved handoff passes the gate when it resumes.
 */
public final class FinanceGate {

    private final ReviewRules rules;
    private final ReviewStore reviews;
    private final HandoffBlocker blocker;
    private final CrmClient crm;
    private final AccountingClient accounting;
    private final Ledger ledger;

    public FinanceGate(ReviewRules rules, ReviewStore reviews, HandoffBlocker blocker, CrmClient crm,
            AccountingClient accounting, Ledger ledger) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.reviews = reviews;
        this.blocker = blocker;
        this.crm = crm;
        this.accounting = accounting;
        this.ledger = ledger;
    }

    /**
     * Holds the handoff when the deal's pricing or tax needs a person, one review item per type.
     *
     * @return true when the handoff is now IN_REVIEW
     */
    public boolean holdsDeal(Handoff handoff, CrmDeal deal) {
        List<String> productIds = deal.lineItems().stream().map(CrmLineItem::productId).filter(Objects::nonNull).toList();
        List<ReviewFinding> findings = new ArrayList<>(rules.pricing(deal,
                productIds.isEmpty() ? java.util.Map.of() : crm.cataloguePrices(productIds)));
        String vatNumber = deal.companies().isEmpty() ? null : CustomerMapper.normaliseDigits(deal.companies().get(0).vatNumber());
        String registrationNumber = deal.companies().isEmpty() ? null : trimToNull(deal.companies().get(0).registrationNumber());
        findings.addAll(rules.tax(deal, vatNumber, registrationNumber));
        return hold(handoff, HandoffState.RECEIVED, findings);
    }

    /**
     * Holds a handoff whose customer is linked when the credit rules need a person. The customer is new when
     * this handoff created the accounting contact. {@code receivables} are used when present (from the contact's
     * read, or clear for a contact created just now), and read from the accounting system when empty.
     *
     * @return true when the handoff is now IN_REVIEW
     */
    public boolean holdsCredit(Handoff handoff, CrmDeal deal, String contactId, Optional<CreditStanding> receivables) {
        boolean newCustomer = ledger.timeline(handoff.key()).stream()
                .anyMatch(event -> event.step().equals("customer") && event.outcome().equals("created"));
        CreditStanding standing = receivables.orElseGet(() -> accounting.creditStanding(contactId));
        return hold(handoff, HandoffState.CUSTOMER_READY, rules.credit(deal, newCustomer, standing));
    }

    /** Returns true when a person approved a credit decision for the handoff, whatever its reason. */
    public boolean creditApproved(HandoffKey key) {
        return reviews.forHandoff(key).stream()
                .anyMatch(review -> review.status() == ReviewStatus.APPROVED && review.type() == ReviewType.CREDIT_DECISION);
    }

    /** Returns true when a person approved a review of this type and reason for the handoff. */
    public boolean isApproved(HandoffKey key, ReviewType type, String reason) {
        return reviews.forHandoff(key).stream().anyMatch(review -> approves(review, type, reason));
    }

    private boolean hold(Handoff handoff, HandoffState resumeState, List<ReviewFinding> findings) {
        List<ReviewFinding> merged = ReviewRules.onePerType(findings);
        if (merged.isEmpty()) {
            return false;
        }

        List<ReviewItem> earlier = reviews.forHandoff(handoff.key());
        List<ReviewFinding> open = merged.stream()
                .filter(finding -> earlier.stream().noneMatch(review -> approves(review, finding.type(), finding.reason())))
                .toList();
        Handoff current = handoff;
        for (ReviewFinding finding : open) {
            current = blocker.holdForReview(current, resumeState, finding.type(), finding.fields(), finding.reason(),
                    finding.facts(), "");
        }
        return !open.isEmpty();
    }

    private static boolean approves(ReviewItem review, ReviewType type, String reason) {
        return review.status() == ReviewStatus.APPROVED && review.type() == type && review.reason().equals(reason);
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
