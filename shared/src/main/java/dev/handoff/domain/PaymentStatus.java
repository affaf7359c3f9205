package dev.handoff.domain;

import dev.handoff.accounting.AccountingInvoice;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Payment status written back to the CRM, derived from the accounting invoice. Xero's AUTHORISED covers
 * both "awaiting payment" and "partly paid", so the amounts decide: paid or credited amounts with an amount
 * still due mean PARTIALLY_PAID, nothing due means PAID.
 */
public enum PaymentStatus {
    DRAFT,
    SUBMITTED,
    AUTHORISED,
    PARTIALLY_PAID,
    PAID,
    VOIDED;

    public static PaymentStatus of(AccountingInvoice invoice) {
        String status = invoice.status() == null ? "" : invoice.status().toUpperCase(Locale.ROOT);
        BigDecimal due = orZero(invoice.amountDue());
        BigDecimal settled = orZero(invoice.amountPaid()).add(orZero(invoice.amountCredited()));
        BigDecimal total = orZero(invoice.total());

        return switch (status) {
            case "VOIDED", "DELETED" -> VOIDED;
            case "PAID" -> PAID;
            case "DRAFT" -> DRAFT;
            case "SUBMITTED" -> SUBMITTED;
            case "AUTHORISED" -> {
                if (total.signum() > 0 && due.signum() == 0) {
                    yield PAID;
                }
                yield settled.signum() > 0 ? PARTIALLY_PAID : AUTHORISED;
            }
            default -> throw new IllegalArgumentException("Unknown invoice status '" + invoice.status()
                    + "' on invoice " + invoice.invoiceId());
        };
    }

    /**
     * Returns paid plus credited as a fraction of the total, rounded half-up to four places, for display.
     * Returns zero for a zero total. Decisions use {@link #isSettledAtLeast}.
     */
    public static BigDecimal settledFraction(AccountingInvoice invoice) {
        BigDecimal total = orZero(invoice.total());
        if (total.signum() <= 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal settled = orZero(invoice.amountPaid()).add(orZero(invoice.amountCredited()));
        return settled.divide(total, 4, RoundingMode.HALF_UP);
    }

    /**
     * Returns whether paid plus credited is at least {@code fraction} of the total, compared exactly: a rounded
     * fraction could report 50% for 49.996% paid.
     */
    public static boolean isSettledAtLeast(AccountingInvoice invoice, BigDecimal fraction) {
        BigDecimal total = orZero(invoice.total());
        if (total.signum() <= 0) {
            return false;
        }
        BigDecimal settled = orZero(invoice.amountPaid()).add(orZero(invoice.amountCredited()));
        return settled.compareTo(total.multiply(fraction)) >= 0;
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }
}
