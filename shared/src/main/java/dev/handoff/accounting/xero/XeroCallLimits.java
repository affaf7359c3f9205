package dev.handoff.accounting.xero;

import dev.handoff.ratelimit.ConcurrencyLease;
import dev.handoff.ratelimit.RequestBudget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Keeps Handoff's calls to Xero under Xero's published limits, counted across every function instance in
 * the ledger: per tenant 60 calls a minute, 5,000 a day and 5 at once, and 10,000 a minute for the whole app.
 * A spent budget or a full set of concurrency slots throws {@link dev.handoff.error.ThrottledException}, so
 * the work waits instead of drawing a 429.
 *
 * <p>NOTE: Xero counts the day limit over a rolling 24 hours, while the budget here uses fixed UTC days.
 * Right after midnight UTC up to 5,000 more calls may be spent, so Xero's own 429 remains possible.
 *
 * @see <a href="https://developer.xero.com/documentation/guides/oauth2/limits/">Xero API rate limits</a>
 */
public class XeroCallLimits {

    public static final int TENANT_CALLS_PER_MINUTE = 60;
    public static final int TENANT_CALLS_PER_DAY = 5_000;
    public static final int TENANT_CONCURRENT_CALLS = 5;
    public static final int APP_CALLS_PER_MINUTE = 10_000;
    /** Longer than a call's request timeout, so a slot outlives the call that uses it. */
    static final Duration SLOT_LEASE = Duration.ofSeconds(30);

    private final RequestBudget budget;
    private final ConcurrencyLease lease;
    private final Clock clock;

    public XeroCallLimits(RequestBudget budget, ConcurrencyLease lease, Clock clock) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Spends one call from the tenant's and the app's budgets and takes a concurrency slot; close the result
     * when the call has returned.
     *
     * @throws dev.handoff.error.ThrottledException if a budget is spent or every slot is taken
     */
    public ConcurrencyLease.Lease enter(String tenantId) {
        Instant now = Instant.now(clock);
        budget.spend("xero:app:minute", APP_CALLS_PER_MINUTE, Duration.ofMinutes(1), now);
        budget.spend("xero:tenant:" + tenantId + ":minute", TENANT_CALLS_PER_MINUTE, Duration.ofMinutes(1), now);
        budget.spend("xero:tenant:" + tenantId + ":day", TENANT_CALLS_PER_DAY, Duration.ofDays(1), now);
        return lease.acquire("xero:tenant:" + tenantId, TENANT_CONCURRENT_CALLS, SLOT_LEASE, now);
    }
}
