package dev.handoff.accounting.xero;

import dev.handoff.config.HandoffConfig;
import dev.handoff.error.ConfigurationException;

/**
 * Reads {@code XERO_LIMIT_TIME_SCALE}: how many times faster than real time Handoff's Xero minute and day
 * budgets pass. It exists for the local stack, whose Xero simulator can shorten Xero's windows by the same
 * factor so that a month-end batch runs in seconds. Deployed stacks leave it unset, which means 1.
 */
public final class XeroLimitTimeScale {

    static final String VARIABLE = "XERO_LIMIT_TIME_SCALE";

    private XeroLimitTimeScale() {
    }

    /** @throws ConfigurationException if the variable is set but not a positive number */
    public static double from(HandoffConfig config) {
        String value = config.optional(VARIABLE).orElse(null);
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            double scale = Double.parseDouble(value.trim());
            if (scale > 0 && !Double.isInfinite(scale)) {
                return scale;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted values.
        }
        throw new ConfigurationException(VARIABLE + " '" + value + "' is invalid; set a positive number such as 1,"
                + " or leave it unset outside the local stack");
    }
}
