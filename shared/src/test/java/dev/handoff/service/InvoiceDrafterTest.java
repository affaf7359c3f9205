package dev.handoff.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.accounting.InvoiceLine;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvoiceDrafterTest {

    private static final ZoneId JOHANNESBURG = ZoneId.of("Africa/Johannesburg");
    private static final HandoffKey KEY = HandoffKey.hubspot("9999999", "48000000001");
    private static final Map<TaxCategory, BigDecimal> RATES = Map.of(TaxCategory.STANDARD, new BigDecimal("15.00"));

    private final InvoiceDrafter drafter = new InvoiceDrafter(JOHANNESBURG, 30, PriceBasis.EXCLUSIVE, "AUTHORISED", "200",
            TaxCategory.STANDARD);

    @Test
    void wonAfterMidnightSastDatesNextDay() {
        // 2026-02-28T22:30:00Z is 2026-03-01 00:30 in Johannesburg.
        Instant closeDate = Instant.ofEpochMilli(1772317800000L);

        InvoiceRequest request = drafter.draft(KEY, deal(closeDate), "contact-1", Instant.EPOCH);

        assertThat(closeDate).isEqualTo(Instant.parse("2026-02-28T22:30:00Z"));
        assertThat(request.date()).isEqualTo(LocalDate.parse("2026-03-01"));
        assertThat(request.dueDate()).isEqualTo(LocalDate.parse("2026-03-31"));
    }

    @Test
    void wonBeforeMidnightSastKeepsDate() {
        Instant closeDate = Instant.parse("2026-02-28T21:30:00Z"); // 23:30 SAST

        assertThat(drafter.invoiceDate(closeDate, Instant.EPOCH)).isEqualTo(LocalDate.parse("2026-02-28"));
    }

    @Test
    void missingCloseDateUsesFallbackInOrganisationZone() {
        assertThat(drafter.invoiceDate(null, Instant.parse("2026-02-28T22:00:00Z"))).isEqualTo(LocalDate.parse("2026-03-01"));
    }

    @Test
    void idempotencyKeyAndReferenceComeFromDealIdentity() {
        assertThat(InvoiceDrafter.idempotencyKey(KEY)).isEqualTo("hs-9999999-deal-48000000001-inv-v1");
        assertThat(InvoiceDrafter.reference(KEY)).isEqualTo("HS-48000000001");
    }

    @Test
    void draftCarriesReferenceUrlCurrencyAndLines() {
        InvoiceRequest request = drafter.draft(KEY, deal(Instant.parse("2026-03-01T08:00:00Z")), "contact-1", Instant.EPOCH);

        assertThat(request.reference()).isEqualTo("HS-48000000001");
        assertThat(request.url()).isEqualTo("https://app.hubspot.com/contacts/9999999/record/0-3/48000000001");
        assertThat(request.currencyCode()).isEqualTo("ZAR");
        assertThat(request.status()).isEqualTo("AUTHORISED");
        assertThat(request.contactId()).isEqualTo("contact-1");
        assertThat(request.lines()).hasSize(2);
        assertThat(request.lines().get(0).taxCategory()).isEqualTo(TaxCategory.STANDARD);
        assertThat(request.lines().get(1).taxCategory()).isEqualTo(TaxCategory.ZERO_RATED_EXPORT);
        assertThat(request.lines().get(0).accountCode()).isEqualTo("200");
    }

    @Test
    void expectedTotalRoundsVatPerLineExclusive() {
        // Three lines of R10.03 excluding VAT: VAT per line 1.50, so 4.50 in all and a total of 34.59
        // (VAT on the document total would be 4.51).
        InvoiceRequest request = requestWith(PriceBasis.EXCLUSIVE, "10.03", "10.03", "10.03");

        assertThat(InvoiceDrafter.expectedTotal(request, RATES)).isEqualByComparingTo("34.59");
    }

    @Test
    void expectedTotalInclusiveEqualsCrmGross() {
        // Three lines of R99.99 including VAT: the gross total stays 299.97 whichever way VAT is rounded.
        InvoiceRequest request = requestWith(PriceBasis.INCLUSIVE, "99.99", "99.99", "99.99");

        assertThat(InvoiceDrafter.expectedTotal(request, RATES)).isEqualByComparingTo("299.97");
    }

    @Test
    void lineAmountAppliesDiscountPercentage() {
        InvoiceLine line = new InvoiceLine("Licence", new BigDecimal("3"), new BigDecimal("100.00"), new BigDecimal("12.5"),
                "200", TaxCategory.STANDARD);

        assertThat(InvoiceDrafter.lineAmount(line)).isEqualByComparingTo("262.50");
    }

    private static InvoiceRequest requestWith(PriceBasis basis, String... unitAmounts) {
        List<InvoiceLine> lines = java.util.Arrays.stream(unitAmounts)
                .map(amount -> new InvoiceLine("Item", BigDecimal.ONE, new BigDecimal(amount), null, "200", TaxCategory.STANDARD))
                .toList();
        return new InvoiceRequest("contact-1", LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-31"), "HS-1", null,
                "ZAR", basis, "AUTHORISED", lines);
    }

    private static CrmDeal deal(Instant closeDate) {
        return new CrmDeal("48000000001", "Annual licence", "default", "closedwon", closeDate, new BigDecimal("10500.00"), "ZAR",
                List.of(), List.of(),
                List.of(new CrmLineItem("li-1", "Annual licence", null, BigDecimal.ONE, new BigDecimal("10000.00"), null, null, null),
                        new CrmLineItem("li-2", "Spare parts", "exported", BigDecimal.ONE, new BigDecimal("500.00"), null, null,
                                TaxCategory.ZERO_RATED_EXPORT)),
                "https://app.hubspot.com/contacts/9999999/record/0-3/48000000001");
    }
}
