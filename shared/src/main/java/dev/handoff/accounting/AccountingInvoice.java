package dev.handoff.accounting;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A sales invoice as the accounting system reports it. {@code status} is the vendor's value (Xero:
 * DRAFT, SUBMITTED, AUTHORISED, PAID, VOIDED, DELETED). Amounts are in {@code currencyCode}.
 */
public record AccountingInvoice(
        String invoiceId,
        String invoiceNumber,
        String reference,
        String status,
        String currencyCode,
        BigDecimal subTotal,
        BigDecimal totalTax,
        BigDecimal total,
        BigDecimal amountDue,
        BigDecimal amountPaid,
        BigDecimal amountCredited,
        Instant updatedAt) {
}
