package dev.handoff.accounting;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A customer's account as the accounting system reports it: the amount outstanding on sales invoices, the part
 * of it that is overdue, and the customer's credit limit where the system keeps one.
 */
public record CreditStanding(BigDecimal outstanding, BigDecimal overdue, Optional<BigDecimal> creditLimit) {

    /** Returns the standing of a customer with nothing outstanding and no credit limit. */
    public static CreditStanding clear() {
        return new CreditStanding(BigDecimal.ZERO, BigDecimal.ZERO, Optional.empty());
    }
}
