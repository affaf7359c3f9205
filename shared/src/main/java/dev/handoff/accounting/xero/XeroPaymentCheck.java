package dev.handoff.accounting.xero;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cross-checks the payment figures of one Xero invoice element against its allocation arrays. Xero's Invoice
 * schema defines {@code AmountPaid} as the sum of payments received and {@code AmountCredited} as the sum of
 * credit notes, overpayments and prepayments applied, and lists those allocations in {@code Payments},
 * {@code CreditNotes}, {@code Overpayments} and {@code Prepayments}. An array the element leaves out is not
 * checked, because Xero omits them in some responses.
 *
 * @see <a href="https://github.com/XeroAPI/Xero-OpenAPI">Xero's OpenAPI description (Invoice schema)</a>
 */
final class XeroPaymentCheck {

    /** A figure that disagrees with the others. */
    enum Mismatch {
        /** The {@code Payments} amounts do not add up to {@code AmountPaid}. */
        PAYMENTS_DIFFER_FROM_AMOUNT_PAID,
        /** The applied credit notes, overpayments and prepayments do not add up to {@code AmountCredited}. */
        CREDITS_DIFFER_FROM_AMOUNT_CREDITED,
        /** {@code Total} minus {@code AmountPaid} and {@code AmountCredited} is not {@code AmountDue}. */
        AMOUNT_DUE_DIFFERS_FROM_TOTAL
    }

    private XeroPaymentCheck() {
    }

    /** Returns the checks the invoice element fails, or an empty list when its figures agree. */
    static List<Mismatch> mismatches(JsonNode invoice) {
        List<Mismatch> mismatches = new ArrayList<>();
        BigDecimal amountPaid = money(invoice.get("AmountPaid"));
        BigDecimal amountCredited = money(invoice.get("AmountCredited"));

        if (invoice.path("Payments").isArray() && amountPaid != null
                && sumPayments(invoice.path("Payments")).compareTo(amountPaid) != 0) {
            mismatches.add(Mismatch.PAYMENTS_DIFFER_FROM_AMOUNT_PAID);
        }

        if (hasCreditArrays(invoice) && amountCredited != null && sumCredits(invoice).compareTo(amountCredited) != 0) {
            mismatches.add(Mismatch.CREDITS_DIFFER_FROM_AMOUNT_CREDITED);
        }

        // A voided or deleted invoice keeps its total but owes nothing, so the sum does not apply to it.
        String status = invoice.path("Status").asText("").toUpperCase(Locale.ROOT);
        BigDecimal total = money(invoice.get("Total"));
        BigDecimal amountDue = money(invoice.get("AmountDue"));
        boolean cancelled = status.equals("VOIDED") || status.equals("DELETED");
        if (!cancelled && total != null && amountPaid != null && amountCredited != null && amountDue != null
                && total.subtract(amountPaid).subtract(amountCredited).compareTo(amountDue) != 0) {
            mismatches.add(Mismatch.AMOUNT_DUE_DIFFERS_FROM_TOTAL);
        }
        return mismatches;
    }

    /** Adds up the payments' {@code Amount}, leaving out payments Xero marks DELETED (reversed). */
    private static BigDecimal sumPayments(JsonNode payments) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode payment : payments) {
            if (!"DELETED".equalsIgnoreCase(payment.path("Status").asText(""))) {
                sum = sum.add(orZero(money(payment.get("Amount"))));
            }
        }
        return sum.setScale(2, RoundingMode.HALF_UP);
    }

    private static boolean hasCreditArrays(JsonNode invoice) {
        return invoice.path("CreditNotes").isArray() || invoice.path("Overpayments").isArray()
                || invoice.path("Prepayments").isArray();
    }

    /**
     * Adds up the amounts applied to this invoice. Each allocation's {@code AppliedAmount} is used, and a credit
     * note without one counts its {@code Total}, as in responses that list only the credit note's total.
     */
    private static BigDecimal sumCredits(JsonNode invoice) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode creditNote : invoice.path("CreditNotes")) {
            BigDecimal applied = money(creditNote.get("AppliedAmount"));
            sum = sum.add(applied != null ? applied : orZero(money(creditNote.get("Total"))));
        }
        for (String collection : List.of("Overpayments", "Prepayments")) {
            for (JsonNode allocation : invoice.path(collection)) {
                sum = sum.add(orZero(money(allocation.get("AppliedAmount"))));
            }
        }
        return sum.setScale(2, RoundingMode.HALF_UP);
    }

    private static BigDecimal money(JsonNode value) {
        if (value == null || !value.isNumber()) {
            return null;
        }
        return value.decimalValue().setScale(2, RoundingMode.HALF_UP);
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }
}
