package dev.handoff.config;

import dev.handoff.error.ConfigurationException;
import java.math.BigDecimal;

/**
 * When the onboarding trigger fires: once the invoice is fully paid ({@code PAID}), or once at least a
 * percentage of the total is paid or credited ({@code PERCENT_PAID:40}).
 */
public record OnboardingRule(BigDecimal minimumPaidFraction) {

    public static OnboardingRule fullyPaid() {
        return new OnboardingRule(BigDecimal.ONE);
    }

    public static OnboardingRule parse(String value) {
        String trimmed = value.trim();
        if (trimmed.equalsIgnoreCase("PAID")) {
            return fullyPaid();
        }
        if (trimmed.toUpperCase(java.util.Locale.ROOT).startsWith("PERCENT_PAID:")) {
            String percent = trimmed.substring("PERCENT_PAID:".length());
            try {
                BigDecimal fraction = new BigDecimal(percent).movePointLeft(2);
                if (fraction.signum() > 0 && fraction.compareTo(BigDecimal.ONE) <= 0) {
                    return new OnboardingRule(fraction);
                }
            } catch (NumberFormatException e) {
                // Falls through to the error below, which names the accepted forms.
            }
        }
        throw new ConfigurationException("ONBOARDING_RULE '" + value
                + "' is invalid; use PAID or PERCENT_PAID:N with N from 1 to 100");
    }

    public boolean isFullyPaidRule() {
        return minimumPaidFraction.compareTo(BigDecimal.ONE) == 0;
    }
}
