package dev.handoff.accounting;

import dev.handoff.domain.TaxCategory;
import java.math.BigDecimal;

/** One invoice line. {@code unitAmount} is on the invoice's price basis; {@code discountRate} is a percentage. */
public record InvoiceLine(
        String description,
        BigDecimal quantity,
        BigDecimal unitAmount,
        BigDecimal discountRate,
        String accountCode,
        TaxCategory taxCategory) {
}
