package dev.handoff.accounting.xero;

import dev.handoff.accounting.AccountingInvoice;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Objects;

/**
 * Derives the payment status that Handoff writes back to the CRM from a Xero invoice. Xero's AUTHORISED
 * covers both "awaiting payment" and "partly paid", so the amounts decide between AUTHORISED and
 * PARTIALLY_PAID. Payments and allocated credit notes both count as paid.
 *
 * @see <a href="https://developer.xero.com/documentation/api/accounting/types">Xero invoice status codes</a>
 */
public final class PaymentStatusMapper {

    public static final String DRAFT = "DRAFT";
    public static final String SUBMITTED = "SUBMITTED";
    public static final String AUTHORISED = "AUTHORISED";
    public static final String PARTIALLY_PAID = "PARTIALLY_PAID";
    public static final String PAID = "PAID";
    public static final String VOIDED = "VOIDED";

    private PaymentStatusMapper() {
    }

    /**
     * Returns VOIDED for voided or deleted invoices; PAID for PAID, or for AUTHORISED with nothing due on a
     * positive total; PARTIALLY_PAID for AUTHORISED with something paid or credited and something still due;
     * AUTHORISED otherwise; DRAFT and SUBMITTED unchanged.
     *
     * @throws IllegalArgumentException if the status is missing or not one of Xero's invoice statuses
     */
    public static String paymentStatus(AccountingInvoice invoice) {
        Objects.requireNonNull(invoice, "invoice");
        if (invoice.status() == null) {
            throw new IllegalArgumentException("Xero invoice " + invoice.invoiceId() + " has no status");
        }

        String status = invoice.status().toUpperCase(Locale.ROOT);
        return switch (status) {
            case "VOIDED", "DELETED" -> VOIDED;
            case "PAID" -> PAID;
            case "DRAFT" -> DRAFT;
            case "SUBMITTED" -> SUBMITTED;
            case "AUTHORISED" -> authorisedStatus(invoice);
            default -> throw new IllegalArgumentException("Unknown Xero invoice status '" + invoice.status()
                    + "' on invoice " + invoice.invoiceId()
                    + ": expected DRAFT, SUBMITTED, AUTHORISED, PAID, VOIDED or DELETED");
        };
    }

    /**
     * Returns (AmountPaid + AmountCredited) / Total at scale 4, rounded half-up, for example {@code 0.5652}.
     * Missing amounts count as zero. An invoice whose total is zero or negative returns {@code 0.0000},
     * because no share of it can be paid.
     */
    public static BigDecimal paidFraction(AccountingInvoice invoice) {
        Objects.requireNonNull(invoice, "invoice");
        BigDecimal total = orZero(invoice.total());
        if (total.signum() <= 0) {
            return BigDecimal.ZERO.setScale(4);
        }
        BigDecimal settled = orZero(invoice.amountPaid()).add(orZero(invoice.amountCredited()));
        return settled.divide(total, 4, RoundingMode.HALF_UP);
    }

    private static String authorisedStatus(AccountingInvoice invoice) {
        BigDecimal due = orZero(invoice.amountDue());
        BigDecimal settled = orZero(invoice.amountPaid()).add(orZero(invoice.amountCredited()));

        if (due.signum() == 0 && orZero(invoice.total()).signum() > 0) {
            return PAID;
        }
        if (settled.signum() > 0 && due.signum() > 0) {
            return PARTIALLY_PAID;
        }
        return AUTHORISED;
    }

    private static BigDecimal orZero(BigDecimal amount) {
        return amount == null ? BigDecimal.ZERO : amount;
    }
}
