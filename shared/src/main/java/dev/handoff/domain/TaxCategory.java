package dev.handoff.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * VAT treatment of a sales line under the South African VAT Act. The accounting adapter resolves each
 * category to the organisation's own tax type at run time (in Xero, from GET /TaxRates).
 */
public enum TaxCategory {
    /** Standard-rated supply, 15% since 1 April 2018. */
    STANDARD,
    /** Zero-rated supply other than exported goods. */
    ZERO_RATED,
    /** Zero-rated export of goods. */
    ZERO_RATED_EXPORT,
    /** Exempt supply or non-supply. */
    EXEMPT;

    /** Parses a CRM property value such as {@code standard}, {@code zero_rated}, {@code zero-rated-export}. */
    public static Optional<TaxCategory> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String normalised = value.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (TaxCategory category : values()) {
            if (category.name().equals(normalised)) {
                return Optional.of(category);
            }
        }
        return Optional.empty();
    }
}
