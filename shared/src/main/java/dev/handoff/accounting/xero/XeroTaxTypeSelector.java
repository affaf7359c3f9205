package dev.handoff.accounting.xero;

import dev.handoff.domain.TaxCategory;
import dev.handoff.error.ConfigurationException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Chooses the organisation's tax type for each {@link TaxCategory} from its {@code GET /TaxRates} list.
 *
 * <p>A category maps first to a preferred code, used only if the organisation has it ACTIVE, applicable to
 * revenue and at the expected rate. Otherwise the single ACTIVE revenue rate with the expected rate and Xero's
 * South African name for that category is used. {@code OUTPUT} is never chosen: in South African organisations
 * it is the old 14% standard rate that applied before 1 April 2018.
 *
 * @see <a href="https://developer.xero.com/documentation/api/accounting/types">Xero tax types by region</a>
 */
final class XeroTaxTypeSelector {

    static final String OLD_STANDARD_RATE_CODE = "OUTPUT";

    private record Rule(String preferredCode, BigDecimal expectedRate, String xeroName) {
    }

    private final Map<TaxCategory, Rule> rules = new EnumMap<>(TaxCategory.class);

    XeroTaxTypeSelector(String standardTaxType, BigDecimal standardRate) {
        Objects.requireNonNull(standardTaxType, "standardTaxType");
        Objects.requireNonNull(standardRate, "standardRate");
        BigDecimal zero = BigDecimal.ZERO;
        rules.put(TaxCategory.STANDARD, new Rule(standardTaxType, standardRate, "Standard Rate Sales"));
        rules.put(TaxCategory.ZERO_RATED, new Rule("ZERORATED", zero, "Zero Rate (excluding goods exported)"));
        rules.put(TaxCategory.ZERO_RATED_EXPORT, new Rule("ZERORATEDOUTPUT", zero, "Zero Rate (only exported goods)"));
        rules.put(TaxCategory.EXEMPT, new Rule("EXEMPTOUTPUT", zero, "Exempt and Non-Supplies"));
    }

    String select(TaxCategory category, List<XeroTaxRate> rates) {
        Objects.requireNonNull(category, "category");
        Rule rule = rules.get(category);

        Optional<XeroTaxRate> preferred = rates.stream()
                .filter(rate -> rule.preferredCode().equals(rate.taxType()))
                .findFirst();
        if (preferred.isPresent() && isUsable(preferred.get(), rule)) {
            return preferred.get().taxType();
        }

        List<XeroTaxRate> byName = rates.stream()
                .filter(rate -> !OLD_STANDARD_RATE_CODE.equals(rate.taxType()))
                .filter(rate -> isUsable(rate, rule))
                .filter(rate -> rate.name() != null
                        && rate.name().trim().toLowerCase(Locale.ROOT).equals(rule.xeroName().toLowerCase(Locale.ROOT)))
                .toList();
        if (byName.size() == 1) {
            return byName.get(0).taxType();
        }

        throw new ConfigurationException(failureMessage(category, rule, preferred, byName));
    }

    private static boolean isUsable(XeroTaxRate rate, Rule rule) {
        return rate.isActiveForRevenue() && rate.hasRate(rule.expectedRate());
    }

    private static String failureMessage(
            TaxCategory category, Rule rule, Optional<XeroTaxRate> preferred, List<XeroTaxRate> byName) {
        List<String> considered = new ArrayList<>();
        considered.add(preferred
                .map(rate -> rate.taxType() + " (status " + rate.status() + ", rate " + plain(rate.effectiveRate())
                        + ", revenue " + rate.canApplyToRevenue() + ")")
                .orElse(rule.preferredCode() + " (not in the organisation's tax rates)"));
        if (byName.isEmpty()) {
            considered.add("no active sales rate named '" + rule.xeroName() + "'");
        } else {
            considered.add("several active sales rates named '" + rule.xeroName() + "': "
                    + byName.stream().map(XeroTaxRate::taxType).toList());
        }
        return "No usable Xero tax type for " + category + " at " + plain(rule.expectedRate()) + "%: considered "
                + String.join("; ", considered) + ". " + OLD_STANDARD_RATE_CODE
                + " is never used because it is the old 14% rate. Activate the rate in Xero or configure the tax type.";
    }

    private static String plain(BigDecimal value) {
        return value == null ? "none" : value.toPlainString();
    }
}
