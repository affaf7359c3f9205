package dev.handoff.accounting.xero;

import java.math.BigDecimal;

/** One entry of Xero's {@code GET /TaxRates} response, reduced to the fields that tax type selection reads. */
record XeroTaxRate(String taxType, String name, String status, BigDecimal effectiveRate, boolean canApplyToRevenue) {

    boolean isActiveForRevenue() {
        return "ACTIVE".equals(status) && canApplyToRevenue;
    }

    boolean hasRate(BigDecimal rate) {
        return effectiveRate != null && effectiveRate.compareTo(rate) == 0;
    }
}
