package dev.handoff.crm;

import dev.handoff.domain.TaxCategory;
import java.math.BigDecimal;

/**
 * A deal line item. {@code unitPrice} is in the deal currency on the CRM's price basis; {@code taxCategory}
 * is null when the CRM has no value, and the invoice then uses the configured default.
 */
public record CrmLineItem(
        String id,
        String name,
        String description,
        BigDecimal quantity,
        BigDecimal unitPrice,
        BigDecimal discountPercentage,
        String productId,
        TaxCategory taxCategory) {
}
