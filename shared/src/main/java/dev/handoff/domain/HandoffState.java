package dev.handoff.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * States of a handoff in the ledger. Only the transitions listed in {@link #canMoveTo} are allowed, and the
 * ledger moves a handoff only with a conditional write on the expected state and version.
 */
public enum HandoffState {
    RECEIVED,
    CUSTOMER_READY,
    INVOICE_IN_FLIGHT,
    INVOICED,
    PARTIALLY_PAID,
    PAID,
    ONBOARDING_PENDING,
    ONBOARDING_SENT,
    VOIDED,
    BLOCKED,
    /** Held until a person approves or rejects a review item. Approval resumes from the stored resume state. */
    IN_REVIEW,
    /** A reviewer rejected the handoff, so nothing more happens to it. */
    REJECTED,
    FAILED;

    /** States that need no further work from Handoff. */
    public boolean isTerminal() {
        return this == ONBOARDING_SENT || this == VOIDED || this == REJECTED;
    }

    /** States that a person must look at before the handoff can continue. */
    public boolean isException() {
        return this == BLOCKED || this == FAILED || this == IN_REVIEW;
    }

    public boolean canMoveTo(HandoffState next) {
        return allowedNext().contains(next);
    }

    private Set<HandoffState> allowedNext() {
        return switch (this) {
            case RECEIVED -> EnumSet.of(CUSTOMER_READY, BLOCKED, IN_REVIEW, FAILED);
            case CUSTOMER_READY -> EnumSet.of(INVOICE_IN_FLIGHT, BLOCKED, IN_REVIEW, FAILED);
            case INVOICE_IN_FLIGHT -> EnumSet.of(INVOICED, BLOCKED, FAILED);
            case INVOICED -> EnumSet.of(PARTIALLY_PAID, PAID, ONBOARDING_PENDING, VOIDED, BLOCKED, IN_REVIEW, FAILED);
            case PARTIALLY_PAID -> EnumSet.of(PARTIALLY_PAID, PAID, ONBOARDING_PENDING, VOIDED, BLOCKED, IN_REVIEW, FAILED);
            case PAID -> EnumSet.of(ONBOARDING_PENDING, IN_REVIEW, FAILED);
            case ONBOARDING_PENDING -> EnumSet.of(ONBOARDING_SENT, FAILED);
            case ONBOARDING_SENT, VOIDED, REJECTED -> EnumSet.noneOf(HandoffState.class);
            // A person fixed the record: the handoff starts again from the step it stopped at.
            case BLOCKED, FAILED -> EnumSet.of(RECEIVED, CUSTOMER_READY, INVOICE_IN_FLIGHT, INVOICED, IN_REVIEW, FAILED);
            // A reviewer approved: the handoff resumes where it stopped, or the void made in accounting is accepted.
            case IN_REVIEW -> EnumSet.of(RECEIVED, CUSTOMER_READY, INVOICED, PARTIALLY_PAID, PAID, VOIDED, REJECTED,
                    BLOCKED, FAILED);
        };
    }
}
