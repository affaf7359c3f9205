package dev.handoff.review;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * Thresholds of the review rules, from the {@code review} section of the configuration file. Amounts are in
 * the organisation's home currency (ZAR by default) and include VAT; percentages run from 0 to 100.
 *
 * @param maxBelowCataloguePercent a line priced more than this percentage below its catalogue price is a
 *     pricing override
 * @param maxDiscountPercent a line discount above this percentage is a pricing override
 * @param newCustomerInvoiceLimit a new customer's first invoice above this total needs a credit decision
 * @param creditLimit the credit limit used when the accounting system has none for the customer; empty for none
 * @param holdOnOverdue whether a customer with overdue invoices needs a credit decision
 * @param fullTaxInvoiceThreshold a total above this needs a full tax invoice, with the buyer's VAT number when
 *     the buyer is a VAT vendor (R5,000 under section 20 of the VAT Act)
 * @param homeCurrency the currency of the thresholds and of VAT returns
 */
public record ReviewPolicy(
        BigDecimal maxBelowCataloguePercent,
        BigDecimal maxDiscountPercent,
        BigDecimal newCustomerInvoiceLimit,
        Optional<BigDecimal> creditLimit,
        boolean holdOnOverdue,
        BigDecimal fullTaxInvoiceThreshold,
        String homeCurrency) {

    public ReviewPolicy {
        Objects.requireNonNull(maxBelowCataloguePercent, "maxBelowCataloguePercent");
        Objects.requireNonNull(maxDiscountPercent, "maxDiscountPercent");
        Objects.requireNonNull(newCustomerInvoiceLimit, "newCustomerInvoiceLimit");
        Objects.requireNonNull(creditLimit, "creditLimit");
        Objects.requireNonNull(fullTaxInvoiceThreshold, "fullTaxInvoiceThreshold");
        Objects.requireNonNull(homeCurrency, "homeCurrency");
    }

    /** Returns the defaults for a South African VAT vendor, the values docs/configuration.md lists. */
    public static ReviewPolicy southAfricanDefaults() {
        return new ReviewPolicy(new BigDecimal("10.00"), new BigDecimal("15.00"), new BigDecimal("50000.00"),
                Optional.empty(), true, new BigDecimal("5000.00"), "ZAR");
    }
}
