package dev.handoff.accounting.xero.auth;

import dev.handoff.error.ConfigurationException;
import dev.handoff.error.ReauthRequiredException;
import dev.handoff.error.RetryableException;
import dev.handoff.observability.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supplies a current Xero access token for one tenant, refreshing it through the shared token store before it
 * expires. Each function instance builds one, and all of them share the tenant's record in the ledger.
 *
 * <p>Xero rotates the refresh token on every refresh and rejects a used one after its grace period, so two
 * instances must never spend the same refresh token. Before refreshing, an instance takes a lease on the
 * record with a conditional write. Only the lease holder calls Xero. The others keep using the current access
 * token while it is still valid, or re-read the record until the holder has stored the new pair.
 *
 * <p>If Xero rejects the refresh token, the tenant becomes REAUTH_REQUIRED, the metric
 * {@value #REAUTH_METRIC} is raised, and this and every later call throw {@link ReauthRequiredException}
 * until someone connects the organisation again.
 */
public final class XeroAccessTokens implements Supplier<String> {

    public static final String REAUTH_METRIC = "xero.tenant.reauth_required";
    /** Time before expiry at which the token is refreshed, longer than a call's 10-second timeout. */
    public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
    /** Lease length, three times the identity client's 10-second request timeout, so a live refresher keeps its lease. */
    static final Duration LEASE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(XeroAccessTokens.class);

    private final String tenantId;
    private final XeroTokenStore store;
    private final XeroIdentityClient identity;
    private final Metrics metrics;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final String owner = UUID.randomUUID().toString();
    private volatile StoredXeroTokens cached;
    private volatile String rejected;

    public XeroAccessTokens(String tenantId, XeroTokenStore store, XeroIdentityClient identity, Metrics metrics,
            Clock clock) {
        this(tenantId, store, identity, metrics, clock, Sleeper.THREAD, Duration.ofMillis(200));
    }

    XeroAccessTokens(String tenantId, XeroTokenStore store, XeroIdentityClient identity, Metrics metrics, Clock clock,
            Sleeper sleeper, Duration pollInterval) {
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.store = Objects.requireNonNull(store, "store");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /**
     * Returns an access token valid for at least {@link #REFRESH_MARGIN}, refreshing if needed.
     *
     * @throws ReauthRequiredException if the tenant must be connected again
     * @throws RetryableException if another instance's refresh did not finish in time
     */
    @Override
    public String get() {
        StoredXeroTokens known = cached;
        if (known != null && known.tokens().isValidFor(REFRESH_MARGIN, now())) {
            return known.tokens().accessToken();
        }
        String rejectedToken = rejected;
        rejected = null;
        if (rejectedToken != null) {
            StoredXeroTokens current = read();
            if (rejectedToken.equals(current.tokens().accessToken())) {
                return refresh(current, true).tokens().accessToken();
            }
            // Another instance has stored a newer token since, so this one uses it.
            cached = current;
        }
        return refreshIfDue(REFRESH_MARGIN).tokens().accessToken();
    }

    /**
     * Records that Xero rejected {@code accessToken} with 401 before its expiry, so the next {@link #get()}
     * refreshes unless another instance has stored a newer token meanwhile.
     */
    public void reject(String accessToken) {
        rejected = accessToken;
        cached = null;
    }

    /**
     * Refreshes the tokens if the last refresh is older than {@code maxAge}, so an idle tenant's refresh token
     * never reaches Xero's 60-day limit. The scheduled keep-alive calls this.
     *
     * @return true if the tokens were refreshed, by this instance or a concurrent one
     */
    public boolean refreshIfOlderThan(Duration maxAge) {
        StoredXeroTokens current = read();
        if (current.refreshedAt() != null && current.refreshedAt().isAfter(now().minus(maxAge))) {
            return false;
        }
        return refresh(current, true).version() != current.version();
    }

    private StoredXeroTokens refreshIfDue(Duration margin) {
        StoredXeroTokens current = read();
        if (current.tokens().isValidFor(margin, now())) {
            cached = current;
            return current;
        }
        return refresh(current, false);
    }

    /**
     * Refreshes {@code current}, or waits for the instance that holds the lease. {@code force} refreshes a
     * token that is still valid, for the keep-alive.
     */
    private StoredXeroTokens refresh(StoredXeroTokens current, boolean force) {
        Instant giveUpAt = now().plus(LEASE).plus(pollInterval);
        StoredXeroTokens record = current;
        while (true) {
            if (isRefreshedSince(current, record, force)) {
                cached = record;
                return record;
            }

            if (!record.isLeasedAt(now())) {
                Optional<StoredXeroTokens> leased = store.claimRefresh(record, owner, now().plus(LEASE), now());
                if (leased.isPresent()) {
                    return refreshLeased(leased.get());
                }
            } else if (!force && record.tokens().isValidFor(Duration.ZERO, now())) {
                // The old access token still works while another instance refreshes.
                return record;
            } else if (now().isAfter(giveUpAt)) {
                throw new RetryableException("Xero token refresh for tenant " + tenantId
                        + " is held by another instance and did not finish", null);
            } else {
                sleeper.sleep(pollInterval);
            }
            record = read();
        }
    }

    /** Returns true if another instance stored new tokens after {@code before} was read. */
    private boolean isRefreshedSince(StoredXeroTokens before, StoredXeroTokens latest, boolean force) {
        return latest.version() != before.version() && !latest.isLeasedAt(now())
                && (force || latest.tokens().isValidFor(REFRESH_MARGIN, now()));
    }

    private StoredXeroTokens refreshLeased(StoredXeroTokens leased) {
        XeroTokens tokens;
        try {
            tokens = identity.refresh(leased.tokens().refreshToken());
        } catch (RefreshTokenRejectedException rejected) {
            if (!store.markReauthRequired(leased, now())) {
                // A connect flow stored new tokens meanwhile, which revoked the old refresh token, so they are used.
                StoredXeroTokens latest = read();
                cached = latest;
                return latest;
            }
            metrics.increment(REAUTH_METRIC);
            LOG.error("Xero rejected the refresh token of tenant {}, so the tenant is marked REAUTH_REQUIRED. "
                    + "Connect the organisation again", tenantId);
            throw reauthRequired();
        } catch (RuntimeException failed) {
            // Xero may have rotated the token without the response arriving. It accepts the old refresh token
            // again for 30 minutes, so the lease is released for the next attempt rather than left to expire.
            store.releaseRefresh(leased);
            throw failed;
        }

        Optional<StoredXeroTokens> saved = store.saveRefreshed(leased, tokens, now());
        if (saved.isEmpty()) {
            // The lease expired and another instance wrote meanwhile, so its record is at least as new as this one.
            StoredXeroTokens latest = read();
            cached = latest;
            return latest;
        }
        LOG.info("Refreshed Xero tokens for tenant {} (version {})", tenantId, saved.get().version());
        cached = saved.get();
        return saved.get();
    }

    private StoredXeroTokens read() {
        StoredXeroTokens record = store.find(tenantId).orElseThrow(() -> new ConfigurationException(
                "No Xero tokens stored for tenant " + tenantId + ": run ./handoff connect xero or seed XERO_REFRESH_TOKEN"));
        if (record.status() == XeroConnectionStatus.REAUTH_REQUIRED) {
            cached = null;
            throw reauthRequired();
        }
        return record;
    }

    private ReauthRequiredException reauthRequired() {
        return new ReauthRequiredException(tenantId, "Xero tenant " + tenantId
                + " needs to be connected again (refresh token rejected): run ./handoff connect xero");
    }

    private Instant now() {
        return Instant.now(clock);
    }

    /** Pause between re-reads, which tests replace to avoid real waiting. */
    interface Sleeper {
        Sleeper THREAD = duration -> {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryableException("Interrupted while waiting for a Xero token refresh", e);
            }
        };

        void sleep(Duration duration);
    }
}
