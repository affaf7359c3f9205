package dev.handoff.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.accounting.CreditStanding;
import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.testing.Fixtures;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each review rule at its boundary: a value equal to a threshold passes, one cent or digit beyond it holds the handoff. */
class ReviewRulesTest {

    private static final BigDecimal VAT = new BigDecimal("15.00");
    private final ReviewPolicy policy = ReviewPolicy.southAfricanDefaults();
    private final ReviewRules exclusive = new ReviewRules(policy, PriceBasis.EXCLUSIVE, VAT, TaxCategory.STANDARD);
    private final ReviewRules inclusive = new ReviewRules(policy, PriceBasis.INCLUSIVE, VAT, TaxCategory.STANDARD);

    @ParameterizedTest
    @CsvSource({"15.00, false", "15.01, true", "0, false"})
    void discountAboveMaximumHolds(String discount, boolean holds) {
        CrmDeal deal = deal("ZAR", line("1000.00", new BigDecimal(discount), null, TaxCategory.STANDARD));

        List<ReviewFinding> findings = exclusive.pricing(deal, Map.of());

        assertThat(!findings.isEmpty()).isEqualTo(holds);
        findings.forEach(finding -> assertThat(finding.type()).isEqualTo(ReviewType.PRICING_OVERRIDE));
    }

    @ParameterizedTest
    @CsvSource({"900.00, false", "899.99, true", "1000.00, false", "1200.00, false"})
    void priceFarBelowCatalogueHolds(String unitPrice, boolean holds) {
        CrmDeal deal = deal("ZAR", line(unitPrice, null, "product-1", TaxCategory.STANDARD));

        List<ReviewFinding> findings = exclusive.pricing(deal, Map.of("product-1", new BigDecimal("1000.00")));

        assertThat(!findings.isEmpty()).isEqualTo(holds);
    }

    @Test
    void pricingFindingCarriesLineFacts() {
        CrmDeal deal = deal("ZAR", line("800.00", null, "product-1", TaxCategory.STANDARD));

        ReviewFinding finding = exclusive.pricing(deal, Map.of("product-1", new BigDecimal("1000.00"))).get(0);

        assertThat(finding.reason()).contains("20.00% below");
        assertThat(finding.fields()).containsExactly("line_item.9001.price");
        assertThat(finding.facts()).containsEntry("cataloguePrice", "ZAR 1000.00").containsEntry("unitPrice", "ZAR 800.00");
    }

    @ParameterizedTest
    @EnumSource(value = TaxCategory.class, names = {"ZERO_RATED", "ZERO_RATED_EXPORT", "EXEMPT"})
    void zeroRatedOrExemptLineHolds(TaxCategory category) {
        List<ReviewFinding> findings = exclusive.tax(deal("ZAR", line("100.00", null, null, category)), "4000000000", null);

        assertThat(findings).singleElement().extracting(ReviewFinding::type).isEqualTo(ReviewType.TAX_EXCEPTION);
    }

    @Test
    void standardLineInZarPassesTax() {
        assertThat(exclusive.tax(deal("ZAR", line("100.00", null, null, TaxCategory.STANDARD)), "4000000000",
                "2019/123456/07")).isEmpty();
    }

    @Test
    void foreignCurrencyStandardLineHolds() {
        List<ReviewFinding> findings = exclusive.tax(deal("USD", line("100.00", null, null, TaxCategory.STANDARD)), null, null);

        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.type()).isEqualTo(ReviewType.TAX_EXCEPTION);
            assertThat(finding.reason()).contains("invoiced in USD");
        });
    }

    @Test
    void foreignExportIsOneFinding() {
        CrmDeal deal = deal("USD", line("100.00", null, null, TaxCategory.ZERO_RATED_EXPORT));

        assertThat(exclusive.tax(deal, null, null)).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource({"5000.00, false", "5000.01, true"})
    void invalidVatAboveR5000Holds(String totalIncludingVat, boolean holds) {
        CrmDeal deal = deal("ZAR", line(totalIncludingVat, null, null, TaxCategory.STANDARD));

        List<ReviewFinding> findings = inclusive.tax(deal, "5000000000", null);

        assertThat(!findings.isEmpty()).isEqualTo(holds);
    }

    @ParameterizedTest
    @CsvSource({"4347.83, 5000.00, false", "4347.84, 5000.02, true"})
    void thresholdIncludesVatOnExclusivePrices(String unitPrice, String total, boolean holds) {
        CrmDeal deal = deal("ZAR", line(unitPrice, null, null, TaxCategory.STANDARD));

        assertThat(exclusive.totalIncludingVat(deal)).isEqualByComparingTo(total);
        assertThat(!exclusive.tax(deal, "400000000", null).isEmpty()).isEqualTo(holds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5000000000", "400000000", "40000000000", "4OOOOOOOOO"})
    void malformedVatNumberHolds(String vatNumber) {
        CrmDeal deal = deal("ZAR", line("5000.01", null, null, TaxCategory.STANDARD));

        ReviewFinding finding = inclusive.tax(deal, vatNumber, null).get(0);

        assertThat(finding.fields()).containsExactly("company.vat_number");
        assertThat(finding.reason()).doesNotContain(vatNumber);
        assertThat(finding.facts()).containsEntry("vatNumber", vatNumber);
    }

    @Test
    void validVatNumberPasses() {
        CrmDeal deal = deal("ZAR", line("5000.01", null, null, TaxCategory.STANDARD));

        assertThat(inclusive.tax(deal, "4000000000", null)).isEmpty();
        assertThat(inclusive.tax(deal, null, null)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "2019/123456/07, false",
        "2000/000001/07, false",
        "1999/123456/06, false",
        "2019/12345/07,  true",
        "2019/1234567/07, true",
        "19/123456/07,   true",
        "2019/123456/7,  true",
        "2019-123456-07, true",
        "K2019/123456/07, true",
    })
    void nonCipcRegistrationNumberHolds(String registrationNumber, boolean holds) {
        List<ReviewFinding> findings = exclusive.tax(deal("ZAR", line("100.00", null, null, TaxCategory.STANDARD)), null,
                registrationNumber);

        assertThat(!findings.isEmpty()).isEqualTo(holds);
    }

    @ParameterizedTest
    @CsvSource({"50000.00, true, false", "50000.01, true, true", "50000.01, false, false"})
    void largeFirstInvoiceHolds(String total, boolean newCustomer, boolean holds) {
        CrmDeal deal = deal("ZAR", line(total, null, null, TaxCategory.STANDARD));

        List<ReviewFinding> findings = inclusive.credit(deal, newCustomer, CreditStanding.clear());

        assertThat(!findings.isEmpty()).isEqualTo(holds);
        findings.forEach(finding -> assertThat(finding.type()).isEqualTo(ReviewType.CREDIT_DECISION));
    }

    @ParameterizedTest
    @CsvSource({"0.00, false", "0.01, true"})
    void overdueInvoicesHold(String overdue, boolean holds) {
        CreditStanding standing = new CreditStanding(new BigDecimal("2000.00"), new BigDecimal(overdue), Optional.empty());

        List<ReviewFinding> findings = inclusive.credit(deal("ZAR", line("100.00", null, null, TaxCategory.STANDARD)), false, standing);

        assertThat(!findings.isEmpty()).isEqualTo(holds);
    }

    @ParameterizedTest
    @CsvSource({"10000.00, false", "10000.01, true"})
    void creditLimitExceededHolds(String total, boolean holds) {
        CreditStanding standing = new CreditStanding(new BigDecimal("10000.00"), BigDecimal.ZERO,
                Optional.of(new BigDecimal("20000.00")));

        List<ReviewFinding> findings = inclusive.credit(deal("ZAR", line(total, null, null, TaxCategory.STANDARD)), false, standing);

        assertThat(!findings.isEmpty()).isEqualTo(holds);
    }

    @Test
    void policyCreditLimitIsFallback() {
        ReviewPolicy limited = new ReviewPolicy(policy.maxBelowCataloguePercent(), policy.maxDiscountPercent(),
                policy.newCustomerInvoiceLimit(), Optional.of(new BigDecimal("1000.00")), true,
                policy.fullTaxInvoiceThreshold(), "ZAR");
        ReviewRules rules = new ReviewRules(limited, PriceBasis.INCLUSIVE, VAT, TaxCategory.STANDARD);

        List<ReviewFinding> findings = rules.credit(deal("ZAR", line("1000.01", null, null, TaxCategory.STANDARD)), false,
                CreditStanding.clear());

        assertThat(findings).singleElement().extracting(ReviewFinding::reason).asString().contains("credit limit of 1000.00");
    }

    @Test
    void findingsOfOneTypeMergeIntoOne() {
        CrmLineItem zeroRated = new CrmLineItem("9002", "Training", null, BigDecimal.ONE, new BigDecimal("100.00"), null, null,
                TaxCategory.ZERO_RATED);
        CrmDeal deal = deal("ZAR", line("100.00", null, null, TaxCategory.EXEMPT), zeroRated);

        List<ReviewFinding> merged = ReviewRules.onePerType(exclusive.tax(deal, null, "2019/1/07"));

        assertThat(merged).singleElement().satisfies(finding -> {
            assertThat(finding.fields()).hasSize(3);
            assertThat(finding.reason()).contains("exempt").contains("zero-rated").contains("registration number");
        });
    }

    private static CrmLineItem line(String unitPrice, BigDecimal discount, String productId, TaxCategory category) {
        return new CrmLineItem("9001", "Annual licence", null, BigDecimal.ONE, new BigDecimal(unitPrice), discount, productId, category);
    }

    private static CrmDeal deal(String currency, CrmLineItem... lines) {
        CrmCompany company = Fixtures.company();
        return new CrmDeal("48000000001", "Annual licence", "default", "closedwon", null, null, currency, List.of(company),
                List.of(), List.of(lines), null);
    }
}
