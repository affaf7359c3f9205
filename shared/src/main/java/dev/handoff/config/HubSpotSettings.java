package dev.handoff.config;

import dev.handoff.error.ConfigurationException;
import java.time.Duration;
import java.util.Locale;

/** HubSpot settings read from a function's environment, beyond the portal, won stages and URLs in {@link HandoffConfig}. */
public final class HubSpotSettings {

    /** The window of HubSpot's burst limit, ten seconds for private and OAuth apps. */
    public static final Duration REQUEST_WINDOW = Duration.ofSeconds(10);

    /**
     * Default requests per {@link #REQUEST_WINDOW} for all of Handoff's functions together: below the 100 of a
     * Free or Starter portal, which other apps in the portal share.
     */
    public static final int DEFAULT_REQUEST_BUDGET = 80;

    private final HandoffConfig config;

    public HubSpotSettings(HandoffConfig config) {
        this.config = config;
    }

    /** Returns {@code HUBSPOT_REQUEST_BUDGET}: requests per ten seconds that Handoff may send to the portal. */
    public int requestBudget() {
        String value = config.optional("HUBSPOT_REQUEST_BUDGET").orElse(Integer.toString(DEFAULT_REQUEST_BUDGET));
        try {
            int budget = Integer.parseInt(value);
            if (budget < 1 || budget > 1_000) {
                throw new NumberFormatException();
            }
            return budget;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("HUBSPOT_REQUEST_BUDGET '" + value
                    + "' is invalid; use requests per ten seconds from 1 to 1000, for example 80");
        }
    }

    /**
     * Returns {@code HUBSPOT_ACCEPT_LEGACY_SIGNATURES}: whether webhooks signed only with v1 or v2 are accepted.
     * They carry no timestamp, so they can be replayed, but the ledger's record of each event id makes a replay a no-op.
     */
    public boolean acceptLegacySignatures() {
        String value = config.optional("HUBSPOT_ACCEPT_LEGACY_SIGNATURES").orElse("true").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException("HUBSPOT_ACCEPT_LEGACY_SIGNATURES '" + value
                    + "' is invalid; use true or false");
        };
    }
}
