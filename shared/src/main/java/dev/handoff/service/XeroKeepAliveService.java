package dev.handoff.service;

import dev.handoff.accounting.xero.auth.XeroAccessTokens;
import dev.handoff.error.ReauthRequiredException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes a quiet tenant's Xero tokens on a schedule. Xero drops a refresh token left unused for 60 days,
 * so refreshing any token older than {@link #MAX_AGE} keeps the connection alive with a wide margin, even if
 * several scheduled runs fail in a row.
 */
public final class XeroKeepAliveService {

    public static final Duration MAX_AGE = Duration.ofDays(7);
    private static final Logger LOG = LoggerFactory.getLogger(XeroKeepAliveService.class);

    private final XeroAccessTokens tokens;

    public XeroKeepAliveService(XeroAccessTokens tokens) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    /** Outcome of one run, for the handler's summary log. */
    public enum Outcome { REFRESHED, FRESH, REAUTH_REQUIRED }

    public Outcome run() {
        try {
            return tokens.refreshIfOlderThan(MAX_AGE) ? Outcome.REFRESHED : Outcome.FRESH;
        } catch (ReauthRequiredException e) {
            // The alarm was raised when Xero rejected the token; a scheduled retry cannot fix it.
            LOG.warn("Xero tenant {} needs to be connected again; keep-alive skipped", e.tenantId());
            return Outcome.REAUTH_REQUIRED;
        }
    }
}
