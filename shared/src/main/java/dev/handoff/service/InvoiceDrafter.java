package dev.handoff.service;

import dev.handoff.accounting.InvoiceLine;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the sales invoice for a deal. The invoice date is the calendar date of the deal's close date in the
 * organisation's time zone (a deal won at 00:30 SAST on 1 March is dated 1 March, although it is still
 * 28 February in UTC). It is sent as a date-only value, so the accounting system cannot shift it.
 */
public final class InvoiceDrafter {

    private final ZoneId organisationZone;
    private final int paymentTermsDays;
    private final PriceBasis priceBasis;
    private final String invoiceStatus;
    private final String salesAccountCode;
    private final TaxCategory defaultTaxCategory;

    public InvoiceDrafter(ZoneId organisationZone, int paymentTermsDays, PriceBasis priceBasis, String invoiceStatus,
            String salesAccountCode, TaxCategory defaultTaxCategory) {
        this.organisationZone = organisationZone;
        this.paymentTermsDays = paymentTermsDays;
        this.priceBasis = priceBasis;
        this.invoiceStatus = invoiceStatus;
        this.salesAccountCode = salesAccountCode;
        this.defaultTaxCategory = defaultTaxCategory;
    }

    /** Returns the reference that ties an invoice to its deal, for example {@code HS-48000000001}. */
    public static String reference(HandoffKey key) {
        return prefix(key) + "-" + key.dealId();
    }

    /**
     * Returns the idempotency key for the invoice create. It is derived from business identity only, so every
     * retry of the same handoff sends the same key: {@code hs-9999999-deal-48000000001-inv-v1}.
     */
    public static String idempotencyKey(HandoffKey key) {
        return prefix(key).toLowerCase(Locale.ROOT) + "-" + key.accountId() + "-deal-" + key.dealId() + "-inv-v1";
    }

    public LocalDate invoiceDate(Instant closeDate, Instant fallback) {
        Instant basis = closeDate != null ? closeDate : fallback;
        return LocalDate.ofInstant(basis, organisationZone);
    }

    public InvoiceRequest draft(HandoffKey key, CrmDeal deal, String contactId, Instant fallbackDate) {
        LocalDate date = invoiceDate(deal.closeDate(), fallbackDate);
        List<InvoiceLine> lines = new ArrayList<>();
        for (CrmLineItem item : deal.lineItems()) {
            lines.add(new InvoiceLine(
                    description(item),
                    item.quantity(),
                    item.unitPrice(),
                    item.discountPercentage(),
                    salesAccountCode,
                    item.taxCategory() != null ? item.taxCategory() : defaultTaxCategory));
        }
        String currency = deal.currency() == null || deal.currency().isBlank() ? "ZAR" : deal.currency();
        return new InvoiceRequest(contactId, date, date.plusDays(paymentTermsDays), reference(key), deal.recordUrl(),
                currency, priceBasis, invoiceStatus, lines);
    }

    /**
     * Computes the invoice total the accounting system should report: each line amount and each line's tax
     * rounded half-up to cents, then summed. {@code ratesByCategory} maps each category to a percentage.
     * NOTE: per-line half-up rounding is assumed to match Xero's and is not verified against a South African
     * demo organisation. A mismatch is recorded on the timeline and never corrected silently.
     */
    public static BigDecimal expectedTotal(InvoiceRequest request, Map<TaxCategory, BigDecimal> ratesByCategory) {
        BigDecimal total = BigDecimal.ZERO;
        for (InvoiceLine line : request.lines()) {
            BigDecimal lineAmount = lineAmount(line);
            BigDecimal rate = ratesByCategory.getOrDefault(line.taxCategory(), BigDecimal.ZERO);
            if (request.priceBasis() == PriceBasis.EXCLUSIVE) {
                BigDecimal tax = lineAmount.multiply(rate).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
                total = total.add(lineAmount).add(tax);
            } else {
                total = total.add(lineAmount);
            }
        }
        return total.setScale(2, RoundingMode.HALF_UP);
    }

    /**
     * Returns the VAT the accounting system should report: each line's tax rounded half-up to cents, then
     * summed. For inclusive prices a line's tax is amount × rate / (100 + rate).
     * NOTE: that Xero rounds tax per line rather than on the document is not verified on a live organisation.
     */
    public static BigDecimal expectedTax(InvoiceRequest request, Map<TaxCategory, BigDecimal> ratesByCategory) {
        BigDecimal tax = BigDecimal.ZERO;
        for (InvoiceLine line : request.lines()) {
            BigDecimal rate = ratesByCategory.getOrDefault(line.taxCategory(), BigDecimal.ZERO);
            BigDecimal divisor = request.priceBasis() == PriceBasis.EXCLUSIVE
                    ? BigDecimal.valueOf(100)
                    : BigDecimal.valueOf(100).add(rate);
            tax = tax.add(lineAmount(line).multiply(rate).divide(divisor, 2, RoundingMode.HALF_UP));
        }
        return tax.setScale(2, RoundingMode.HALF_UP);
    }

    static BigDecimal lineAmount(InvoiceLine line) {
        BigDecimal gross = line.quantity().multiply(line.unitAmount());
        if (line.discountRate() != null && line.discountRate().signum() > 0) {
            BigDecimal keep = BigDecimal.valueOf(100).subtract(line.discountRate());
            gross = gross.multiply(keep).divide(BigDecimal.valueOf(100), 10, RoundingMode.HALF_UP);
        }
        return gross.setScale(2, RoundingMode.HALF_UP);
    }

    private static String description(CrmLineItem item) {
        if (item.description() != null && !item.description().isBlank()) {
            return item.name() == null || item.name().isBlank() ? item.description() : item.name() + " - " + item.description();
        }
        return item.name() == null || item.name().isBlank() ? "Line item " + item.id() : item.name();
    }

    private static String prefix(HandoffKey key) {
        return switch (key.crm()) {
            case "hubspot" -> "HS";
            case "pipedrive" -> "PD";
            default -> key.crm().toUpperCase(Locale.ROOT);
        };
    }
}
