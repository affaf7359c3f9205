package dev.handoff.accounting.xero;

import dev.handoff.accounting.CallReservation;
import dev.handoff.observability.Metrics;
import dev.handoff.ratelimit.ConcurrencyLease;
import dev.handoff.ratelimit.RequestBudget;
import dev.handoff.ratelimit.ScopePause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Keeps Handoff's calls to Xero under Xero's published limits, counted across every function instance in
 * the ledger. Xero allows per tenant 60 calls a minute, 5,000 a day and 5 at once, and 10,000 a minute for the
 * whole app. Handoff budgets 57 in any rolling minute (55 a minute when busy) and 4 at once per tenant to keep
 * some headroom. The minute budget is rolling because Xero counts any 60 seconds, and a fixed minute window would
 * admit up to twice the budget across its boundary.
 * A spent budget, a full set of concurrency slots or a pause after Xero's own 429 throws
 * {@link dev.handoff.error.ThrottledException}, so the work waits instead of drawing a 429.
 *
 * <p>NOTE: Xero's FAQ allows 5,000 calls "in a given 24 hour period" and does not say whether that period
 * rolls or resets at a fixed time, while this budget counts fixed UTC days. Either way one Xero day can
 * overlap two UTC days, so Handoff may spend up to 10,000 calls in it. Xero's 429 with
 * {@code X-Rate-Limit-Problem: day} then pauses the tenant until {@code Retry-After}, and the work waits.
 * Only Handoff's own calls wait, because Xero counts the limits per app and tenant.
 *
 * @see <a href="https://developer.xero.com/faq/limits">Xero's FAQ on API limits</a>
 */
public class XeroCallLimits {

    public static final int TENANT_CALLS_PER_DAY = 5_000;
    public static final int APP_CALLS_PER_MINUTE = 10_000;
    /**
     * Calls per tenant in any rolling minute that Handoff allows itself, three below Xero's 60 so Xero's own 429
     * stays rare although instance clocks and network delays differ.
     */
    public static final int TENANT_MINUTE_BUDGET = 57;
    /** Calls per tenant at once that Handoff allows itself, one below Xero's 5, for the same reason. */
    public static final int TENANT_CONCURRENCY_BUDGET = 4;
    /**
     * Slot lease duration, three times XeroClient's default 10 s request timeout, so a slot outlives the call that
     * uses it. A client built with a request timeout above 30 s can outlive its slot.
     */
    static final Duration SLOT_LEASE = Duration.ofSeconds(30);
    private static final String APP_SCOPE = "xero:app";

    /** Metric raised when Xero reports a spent day or app limit, which lasts long enough for ops to look. */
    public static final String LIMIT_PAUSE_METRIC = "xero.rate_limit.paused";

    private static final Logger LOG = LoggerFactory.getLogger(XeroCallLimits.class);

    private final RequestBudget budget;
    private final ConcurrencyLease lease;
    private final ScopePause pause;
    private final Metrics metrics;
    private final Clock clock;
    private final Duration minuteWindow;
    private final Duration dayWindow;
    private final ThreadLocal<Reservation> reservations = new ThreadLocal<>();

    /** Creates the limits with Xero's real minute and day windows. */
    public XeroCallLimits(RequestBudget budget, ConcurrencyLease lease, ScopePause pause, Metrics metrics, Clock clock) {
        this(budget, lease, pause, metrics, clock, 1);
    }

    /**
     * Creates the limits with minute and day windows {@code timeScale} times shorter than Xero's, so a benchmark
     * against a Xero simulator that shortens its windows by the same factor counts on the simulator's clock.
     * Deployed stacks use 1. The concurrency budget does not scale, as Xero's concurrent limit has no window.
     *
     * @throws IllegalArgumentException if {@code timeScale} is below 1 or not finite
     */
    public XeroCallLimits(RequestBudget budget, ConcurrencyLease lease, ScopePause pause, Metrics metrics, Clock clock,
            double timeScale) {
        if (!(timeScale >= 1) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("Invalid Xero limit time scale " + timeScale + ": use 1 or more");
        }
        this.budget = Objects.requireNonNull(budget, "budget");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.minuteWindow = scaled(Duration.ofMinutes(1), timeScale);
        this.dayWindow = scaled(Duration.ofDays(1), timeScale);
    }

    private static Duration scaled(Duration window, double timeScale) {
        long scaledMillis = Math.round(window.toMillis() / timeScale);
        return Duration.ofMillis(Math.max(RequestBudget.MIN_ROLLING_WINDOW.toMillis(), scaledMillis));
    }

    /**
     * Spends one call from the tenant's and the app's budgets and takes a concurrency slot. Close the result
     * when the call has returned.
     *
     * @throws dev.handoff.error.ThrottledException if a budget is spent or every slot is taken
     */
    public ConcurrencyLease.Lease enter(String tenantId) {
        Instant now = Instant.now(clock);
        String tenantScope = tenantScope(tenantId);
        pause.check(APP_SCOPE, now);
        pause.check(tenantScope, now);
        Reservation reserved = reservations.get();
        if (reserved == null || !reserved.take(tenantId)) {
            spendAll(tenantScope, now, 1);
        }
        return lease.acquire(tenantScope, TENANT_CONCURRENCY_BUDGET, SLOT_LEASE, now);
    }

    /**
     * Checks, without spending, that the tenant could make {@code calls} calls now: it is not paused and its
     * rolling minute has room. A step calls this before its CRM reads, so a tenant at its limit does not
     * spend CRM requests on attempts that would stop at the Xero budget anyway.
     *
     * @throws dev.handoff.error.ThrottledException if the tenant or the app is paused, or the minute lacks room
     */
    public void requireRoom(String tenantId, int calls) {
        Instant now = Instant.now(clock);
        String tenantScope = tenantScope(tenantId);
        pause.check(APP_SCOPE, now);
        pause.check(tenantScope, now);
        budget.requireRolling(tenantScope + ":minute", TENANT_MINUTE_BUDGET, minuteWindow, now, calls);
    }

    /**
     * Spends {@code calls} from the tenant's and the app's budgets at once, for a step about to make up to that
     * many calls on this thread. The step's calls through {@link #enter} draw on the reservation first and still
     * take a concurrency slot each. Closing the reservation gives back the calls not made, and calls beyond it
     * are spent one at a time as before. A spent budget thus stops the step before its first call, where a
     * step stopped halfway would repeat its successful calls on the next attempt.
     *
     * @throws dev.handoff.error.ThrottledException if a budget cannot take {@code calls} more, or the tenant or the
     *     app is paused after a 429
     * @throws IllegalStateException if this thread already has an open reservation
     */
    public Reservation reserve(String tenantId, int calls) {
        if (reservations.get() != null) {
            throw new IllegalStateException("This thread already has an open Xero call reservation; close it before reserving again");
        }
        Instant now = Instant.now(clock);
        String tenantScope = tenantScope(tenantId);
        pause.check(APP_SCOPE, now);
        pause.check(tenantScope, now);
        Reservation reservation = new Reservation(tenantId, calls, spendAll(tenantScope, now, calls));
        reservations.set(reservation);
        return reservation;
    }

    /**
     * Spends {@code calls} from the app's minute, the tenant's minute and the tenant's day budgets, or from none:
     * when one is spent, the others are given back before the exception is thrown.
     */
    private List<RequestBudget.Spent> spendAll(String tenantScope, Instant now, int calls) {
        List<RequestBudget.Spent> spent = new ArrayList<>(3);
        try {
            spent.add(budget.spendRolling(APP_SCOPE + ":minute", APP_CALLS_PER_MINUTE, minuteWindow, now, calls));
            spent.add(budget.spendRolling(tenantScope + ":minute", TENANT_MINUTE_BUDGET, minuteWindow, now, calls));
            spent.add(budget.spend(tenantScope + ":day", TENANT_CALLS_PER_DAY, dayWindow, now, calls));
            return spent;
        } catch (RuntimeException e) {
            refund(spent, calls);
            throw e;
        }
    }

    /** Gives back {@code unused} calls of each spend. A failed refund only leaves a budget counting too many. */
    private void refund(List<RequestBudget.Spent> spent, int unused) {
        for (RequestBudget.Spent each : spent) {
            try {
                budget.refund(each, unused);
            } catch (SdkException e) {
                LOG.warn("Giving back {} unused Xero calls to {} failed; the budget counts them until its window ends: {}",
                        unused, each.scope(), e.getClass().getName());
            }
        }
    }

    /** Calls paid for by {@link #reserve}, held by the thread that reserved them. */
    public final class Reservation implements CallReservation {

        private final String tenantId;
        private final List<RequestBudget.Spent> spent;
        private int unused;

        private Reservation(String tenantId, int calls, List<RequestBudget.Spent> spent) {
            this.tenantId = tenantId;
            this.unused = calls;
            this.spent = spent;
        }

        private boolean take(String callTenantId) {
            if (unused == 0 || !tenantId.equals(callTenantId)) {
                return false;
            }
            unused--;
            return true;
        }

        /** Ends the reservation on this thread and gives back the calls not made. */
        @Override
        public void close() {
            if (reservations.get() != this) {
                return;
            }
            reservations.remove();
            refund(spent, unused);
            unused = 0;
        }
    }

    /**
     * Pauses the tenant, or the whole app for the app-wide limit, for {@code retryAfter} after Xero returned 429
     * with {@code X-Rate-Limit-Problem: problem}, so no instance calls Xero again before the window frees.
     * A spent day or app limit is also logged and counted in {@value #LIMIT_PAUSE_METRIC}, because it stops
     * the tenant's work for long enough that ops should know.
     *
     * <p>NOTE: Xero staff state only that the header names the limit reached
     * (https://github.com/XeroAPI/xero-node/issues/634).
     * Responses reported in Xero's SDK issues carry {@code minute} and {@code day}, and older ones
     * {@code Minute} and {@code Daily}. No source read names the app-wide value, so any value containing
     * "app" counts as app-wide, and one containing "day" or "daily" as the day limit, ignoring case.
     */
    public void recordRateLimit(String tenantId, String problem, Duration retryAfter) {
        Instant until = Instant.now(clock).plus(retryAfter);
        String value = problem == null ? "" : problem.toLowerCase(Locale.ROOT);
        boolean appWide = value.contains("app");
        boolean day = !appWide && (value.contains("day") || value.contains("daily"));
        pause.pause(appWide ? APP_SCOPE : tenantScope(tenantId), until);
        if (appWide || day) {
            metrics.increment(LIMIT_PAUSE_METRIC);
            LOG.warn("Xero {} limit reached for tenant {}, so Xero calls are paused until {}", problem, tenantId, until);
        }
    }

    private static String tenantScope(String tenantId) {
        return "xero:tenant:" + tenantId;
    }
}
