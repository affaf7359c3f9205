package dev.handoff.review;

import dev.handoff.accounting.CreditStanding;
import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The finance readiness rules that leave a deal to a person. Each method returns the findings of one review
 * type, with the figures in the reason and the names and numbers a reviewer needs in the facts. Every threshold
 * is exclusive: a value equal to it passes.
 */
public final class ReviewRules {

    private static final BigDecimal HUNDRED = new BigDecimal("100");
    private static final Pattern VAT_NUMBER = Pattern.compile("4\\d{9}");
    private static final Pattern REGISTRATION_NUMBER = Pattern.compile("(19|20)\\d{2}/\\d{6}/\\d{2}");

    private final ReviewPolicy policy;
    private final PriceBasis priceBasis;
    private final BigDecimal standardRate;
    private final TaxCategory defaultTaxCategory;

    public ReviewRules(ReviewPolicy policy, PriceBasis priceBasis, BigDecimal standardRate, TaxCategory defaultTaxCategory) {
        this.policy = policy;
        this.priceBasis = priceBasis;
        this.standardRate = standardRate;
        this.defaultTaxCategory = defaultTaxCategory;
    }

    /** Returns true when a VAT number has the South African form: 10 digits starting with 4. */
    public static boolean isValidVatNumber(String vatNumber) {
        return vatNumber != null && VAT_NUMBER.matcher(vatNumber).matches();
    }

    /** Returns true when a company registration number has the CIPC form YYYY/NNNNNN/NN. */
    public static boolean isValidRegistrationNumber(String registrationNumber) {
        return registrationNumber != null && REGISTRATION_NUMBER.matcher(registrationNumber).matches();
    }

    /**
     * Returns the deal's invoice total including VAT: each line's quantity times unit price less its discount,
     * rounded half-up to cents, plus VAT at the standard rate on standard-rated lines when prices exclude VAT.
     */
    public BigDecimal totalIncludingVat(CrmDeal deal) {
        BigDecimal total = BigDecimal.ZERO;
        for (CrmLineItem item : deal.lineItems()) {
            BigDecimal amount = lineAmount(item);
            total = total.add(amount);
            if (priceBasis == PriceBasis.EXCLUSIVE && taxCategory(item) == TaxCategory.STANDARD) {
                total = total.add(amount.multiply(standardRate).divide(HUNDRED, 2, RoundingMode.HALF_UP));
            }
        }
        return total.setScale(2, RoundingMode.HALF_UP);
    }

    /**
     * Returns the PRICING_OVERRIDE findings: a line discount above the maximum, or a unit price more than the
     * maximum percentage below the line's catalogue price. {@code cataloguePrices} maps CRM product ids to
     * catalogue unit prices. Lines without a product or a known catalogue price are checked for the discount only.
     */
    public List<ReviewFinding> pricing(CrmDeal deal, Map<String, BigDecimal> cataloguePrices) {
        List<ReviewFinding> findings = new ArrayList<>();
        for (CrmLineItem item : deal.lineItems()) {
            BigDecimal discount = item.discountPercentage();
            if (discount != null && discount.compareTo(policy.maxDiscountPercent()) > 0) {
                findings.add(new ReviewFinding(ReviewType.PRICING_OVERRIDE,
                        "line " + item.id() + " has a " + plain(discount) + "% discount, above the "
                                + plain(policy.maxDiscountPercent()) + "% maximum",
                        List.of("line_item." + item.id() + ".discount"),
                        lineFacts(item, deal, null)));
            }
            BigDecimal catalogue = item.productId() == null ? null : cataloguePrices.get(item.productId());
            if (catalogue == null || catalogue.signum() <= 0 || item.unitPrice() == null) {
                continue;
            }
            BigDecimal below = catalogue.subtract(item.unitPrice()).multiply(HUNDRED).divide(catalogue, 4, RoundingMode.HALF_UP);
            if (below.compareTo(policy.maxBelowCataloguePercent()) > 0) {
                findings.add(new ReviewFinding(ReviewType.PRICING_OVERRIDE,
                        "line " + item.id() + " is priced " + plain(below.setScale(2, RoundingMode.HALF_UP))
                                + "% below its catalogue price, more than the " + plain(policy.maxBelowCataloguePercent())
                                + "% allowed",
                        List.of("line_item." + item.id() + ".price"),
                        lineFacts(item, deal, catalogue)));
            }
        }
        return findings;
    }

    /**
     * Returns the TAX_EXCEPTION findings: a zero-rated or exempt line, or a standard-rated line invoiced in a
     * currency other than the home currency. A total above the full tax invoice threshold to a buyer that gave a
     * VAT number which is not 10 digits starting with 4, or a registration number not in the form YYYY/NNNNNN/NN,
     * is also a finding.
     *
     * <p>A buyer counts as a VAT vendor when the CRM has a VAT number for it.
     * NOTE: a VAT vendor whose VAT number field is blank is not detected. That needs a CRM property that marks the
     * buyer as VAT-registered.
     */
    public List<ReviewFinding> tax(CrmDeal deal, String vatNumber, String registrationNumber) {
        List<ReviewFinding> findings = new ArrayList<>();
        String currency = currency(deal);
        boolean homeCurrency = currency.equals(policy.homeCurrency());
        for (CrmLineItem item : deal.lineItems()) {
            TaxCategory category = taxCategory(item);
            if (category != TaxCategory.STANDARD) {
                findings.add(new ReviewFinding(ReviewType.TAX_EXCEPTION,
                        "line " + item.id() + " is " + category.name().toLowerCase(Locale.ROOT).replace('_', '-')
                                + "; finance must confirm the supply qualifies",
                        List.of("line_item." + item.id() + ".tax_category"), lineFacts(item, deal, null)));
            } else if (!homeCurrency) {
                findings.add(new ReviewFinding(ReviewType.TAX_EXCEPTION,
                        "line " + item.id() + " is standard-rated but invoiced in " + currency + ", not "
                                + policy.homeCurrency(),
                        List.of("deal.currency"), lineFacts(item, deal, null)));
            }
        }

        BigDecimal total = totalIncludingVat(deal);
        if (vatNumber != null && !isValidVatNumber(vatNumber) && homeCurrency
                && total.compareTo(policy.fullTaxInvoiceThreshold()) > 0) {
            findings.add(new ReviewFinding(ReviewType.TAX_EXCEPTION,
                    "the invoice total of " + currency + " " + plain(total) + " including VAT needs a full tax invoice, "
                            + "and the buyer's VAT number is not 10 digits starting with 4",
                    List.of("company.vat_number"), companyFacts(deal, Map.of(
                            "vatNumber", vatNumber, "totalIncludingVat", currency + " " + plain(total)))));
        }
        if (registrationNumber != null && !isValidRegistrationNumber(registrationNumber)) {
            findings.add(new ReviewFinding(ReviewType.TAX_EXCEPTION,
                    "the company registration number is not in the form YYYY/NNNNNN/NN",
                    List.of("company.registration_number"),
                    companyFacts(deal, Map.of("registrationNumber", registrationNumber))));
        }
        return findings;
    }

    /**
     * Returns the CREDIT_DECISION findings: a new customer's first invoice above the limit for new customers, or a
     * customer with overdue invoices (when {@code holdOnOverdue} is set). A customer whose outstanding balance plus
     * this invoice would exceed its credit limit, from the accounting system or else from the policy, is also one.
     *
     * <p>NOTE: the total is in the deal's currency and is not converted, so a deal in another currency is compared
     * with home-currency limits as if it were in the home currency.
     */
    public List<ReviewFinding> credit(CrmDeal deal, boolean newCustomer, CreditStanding standing) {
        List<ReviewFinding> findings = new ArrayList<>();
        String currency = currency(deal);
        BigDecimal total = totalIncludingVat(deal);
        Map<String, String> facts = companyFacts(deal, Map.of(
                "totalIncludingVat", currency + " " + plain(total),
                "outstanding", plain(standing.outstanding()),
                "overdue", plain(standing.overdue())));

        if (newCustomer && total.compareTo(policy.newCustomerInvoiceLimit()) > 0) {
            findings.add(new ReviewFinding(ReviewType.CREDIT_DECISION,
                    "a new customer's first invoice of " + currency + " " + plain(total) + " is above the "
                            + plain(policy.newCustomerInvoiceLimit()) + " limit for new customers",
                    List.of("deal.amount"), facts));
        }
        if (policy.holdOnOverdue() && standing.overdue().signum() > 0) {
            findings.add(new ReviewFinding(ReviewType.CREDIT_DECISION,
                    "the customer has " + plain(standing.overdue()) + " overdue in accounting",
                    List.of("company"), facts));
        }
        Optional<BigDecimal> limit = standing.creditLimit().or(policy::creditLimit);
        if (limit.isPresent() && standing.outstanding().add(total).compareTo(limit.get()) > 0) {
            findings.add(new ReviewFinding(ReviewType.CREDIT_DECISION,
                    "outstanding " + plain(standing.outstanding()) + " plus this invoice's " + plain(total)
                            + " exceeds the credit limit of " + plain(limit.get()),
                    List.of("company"), facts));
        }
        return findings;
    }

    /** Merges findings of the same type into one, so each type puts the handoff on hold with one review item. */
    public static List<ReviewFinding> onePerType(List<ReviewFinding> findings) {
        Map<ReviewType, ReviewFinding> merged = new LinkedHashMap<>();
        for (ReviewFinding finding : findings) {
            merged.merge(finding.type(), finding, (first, next) -> {
                List<String> fields = new ArrayList<>(first.fields());
                next.fields().stream().filter(field -> !fields.contains(field)).forEach(fields::add);
                Map<String, String> facts = new LinkedHashMap<>(next.facts());
                facts.putAll(first.facts());
                return new ReviewFinding(first.type(), first.reason() + "; " + next.reason(), fields, facts);
            });
        }
        return List.copyOf(merged.values());
    }

    private TaxCategory taxCategory(CrmLineItem item) {
        return item.taxCategory() != null ? item.taxCategory() : defaultTaxCategory;
    }

    private static BigDecimal lineAmount(CrmLineItem item) {
        if (item.quantity() == null || item.unitPrice() == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal gross = item.quantity().multiply(item.unitPrice());
        if (item.discountPercentage() != null && item.discountPercentage().signum() > 0) {
            gross = gross.multiply(HUNDRED.subtract(item.discountPercentage())).divide(HUNDRED, 10, RoundingMode.HALF_UP);
        }
        return gross.setScale(2, RoundingMode.HALF_UP);
    }

    private static String currency(CrmDeal deal) {
        return deal.currency() == null || deal.currency().isBlank() ? "ZAR" : deal.currency().trim().toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> lineFacts(CrmLineItem item, CrmDeal deal, BigDecimal catalogue) {
        Map<String, String> facts = companyFacts(deal, Map.of());
        facts.put("lineItemId", item.id());
        putIfPresent(facts, "lineName", item.name());
        putIfPresent(facts, "quantity", item.quantity() == null ? null : plain(item.quantity()));
        putIfPresent(facts, "unitPrice", item.unitPrice() == null ? null : currency(deal) + " " + plain(item.unitPrice()));
        putIfPresent(facts, "discountPercent", item.discountPercentage() == null ? null : plain(item.discountPercentage()));
        putIfPresent(facts, "cataloguePrice", catalogue == null ? null : currency(deal) + " " + plain(catalogue));
        putIfPresent(facts, "taxCategory", item.taxCategory() == null ? null : item.taxCategory().name());
        return facts;
    }

    private static Map<String, String> companyFacts(CrmDeal deal, Map<String, String> extra) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("dealId", deal.id());
        if (!deal.companies().isEmpty()) {
            CrmCompany company = deal.companies().get(0);
            facts.put("companyId", company.id());
            putIfPresent(facts, "companyName", company.legalName() != null ? company.legalName() : company.name());
        }
        facts.putAll(extra);
        return facts;
    }

    private static void putIfPresent(Map<String, String> facts, String name, String value) {
        if (value != null && !value.isBlank()) {
            facts.put(name, value);
        }
    }

    private static String plain(BigDecimal value) {
        int scale = Math.max(2, value.stripTrailingZeros().scale());
        return value.setScale(scale, RoundingMode.UNNECESSARY).toPlainString();
    }
}
