package dev.handoff.simulator.xero;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Xero's per-tenant API limits, enforced by the simulator: 60 calls in any rolling minute, 5 calls in progress
 * at once and 5,000 calls in any rolling 24 hours. A time scale shortens both windows for benchmarks, so with
 * scale 10 a tenant gets 60 calls per 6 seconds and 5,000 per 2.4 hours. The concurrent limit does not scale.
 *
 * <p>Only admitted calls count toward the minute and day limits.
 * NOTE: Xero does not document whether rejected calls count too. The limits and the {@code minute} problem value
 * come from https://developer.xero.com/faq/limits, and {@code concurrent} and {@code daily} are assumed names for
 * the other two problems.
 */
public final class XeroRateLimiter {

    public static final int CALLS_PER_MINUTE = 60;
    public static final int CONCURRENT_CALLS = 5;
    public static final int CALLS_PER_DAY = 5_000;

    /** Value of {@code X-Rate-Limit-Problem} for each limit. */
    public static final String MINUTE_PROBLEM = "minute";
    public static final String CONCURRENT_PROBLEM = "concurrent";
    public static final String DAILY_PROBLEM = "daily";

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration DAY = Duration.ofDays(1);

    private final double timeScale;
    private final Clock clock;
    private final long minuteWindowMillis;
    private final long dayWindowMillis;
    private final Map<String, TenantWindow> tenants = new ConcurrentHashMap<>();

    /**
     * @param timeScale how many times faster than real time the windows pass, where 1 is Xero's real limits
     * @throws IllegalArgumentException if {@code timeScale} is not a positive number
     */
    public XeroRateLimiter(double timeScale, Clock clock) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("Invalid time scale " + timeScale + ": expected a positive number such as 1 or 10");
        }
        this.timeScale = timeScale;
        this.clock = clock;
        this.minuteWindowMillis = Math.max(1, Math.round(MINUTE.toMillis() / timeScale));
        this.dayWindowMillis = Math.max(1, Math.round(DAY.toMillis() / timeScale));
    }

    public double timeScale() {
        return timeScale;
    }

    /** Length of the scaled minute window. */
    public Duration minuteWindow() {
        return Duration.ofMillis(minuteWindowMillis);
    }

    /**
     * Admits one call for the tenant or rejects it. An admitted call takes one of the tenant's concurrent slots
     * until {@link #release(String)}.
     */
    public Decision tryAcquire(String tenantId) {
        TenantWindow window = tenants.computeIfAbsent(tenantId, id -> new TenantWindow());
        synchronized (window) {
            long now = clock.millis();
            window.evict(now, minuteWindowMillis, dayWindowMillis);
            if (window.inProgress >= CONCURRENT_CALLS) {
                return window.reject(CONCURRENT_PROBLEM, 1);
            }
            if (window.day.size() >= CALLS_PER_DAY) {
                return window.reject(DAILY_PROBLEM, retryAfterSeconds(window.day.peekFirst() + dayWindowMillis - now));
            }
            if (window.minute.size() >= CALLS_PER_MINUTE) {
                return window.reject(MINUTE_PROBLEM, retryAfterSeconds(window.minute.peekFirst() + minuteWindowMillis - now));
            }
            window.minute.addLast(now);
            window.day.addLast(now);
            window.inProgress++;
            window.admitted++;
            window.peakInProgress = Math.max(window.peakInProgress, window.inProgress);
            return new Decision(true, null, 0, CALLS_PER_MINUTE - window.minute.size(), CALLS_PER_DAY - window.day.size());
        }
    }

    /** Frees the concurrent slot of a call that {@link #tryAcquire(String)} admitted. */
    public void release(String tenantId) {
        TenantWindow window = tenants.get(tenantId);
        if (window == null) {
            return;
        }
        synchronized (window) {
            window.inProgress = Math.max(0, window.inProgress - 1);
        }
    }

    /** Returns each tenant's counters so far, by tenant id. */
    public Map<String, Usage> usage() {
        Map<String, Usage> usage = new LinkedHashMap<>();
        tenants.forEach((tenantId, window) -> {
            synchronized (window) {
                usage.put(tenantId, new Usage(window.admitted, Map.copyOf(window.rejected), window.peakInProgress));
            }
        });
        return usage;
    }

    /** Whole seconds to wait, at least 1, because {@code Retry-After} carries delta-seconds only. */
    private static long retryAfterSeconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    /**
     * Outcome of {@link #tryAcquire(String)}.
     *
     * @param admitted whether the call may proceed
     * @param problem the {@code X-Rate-Limit-Problem} value of a rejected call, else null
     * @param retryAfterSeconds the {@code Retry-After} value of a rejected call, else 0
     * @param minuteRemaining calls left in the current minute window, for {@code X-MinLimit-Remaining}
     * @param dayRemaining calls left in the current day window, for {@code X-DayLimit-Remaining}
     */
    public record Decision(boolean admitted, String problem, long retryAfterSeconds, int minuteRemaining, int dayRemaining) {
    }

    /**
     * One tenant's counters.
     *
     * @param admitted calls admitted
     * @param rejected rejected calls by problem
     * @param peakInProgress the maximum number of calls in progress at once
     */
    public record Usage(long admitted, Map<String, Long> rejected, int peakInProgress) {

        public long rejectedTotal() {
            return rejected.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Admission times inside the rolling windows, oldest first, and the calls in progress. */
    private static final class TenantWindow {
        private final Deque<Long> minute = new ArrayDeque<>();
        private final Deque<Long> day = new ArrayDeque<>();
        private final Map<String, Long> rejected = new LinkedHashMap<>();
        private int inProgress;
        private int peakInProgress;
        private long admitted;

        private void evict(long now, long minuteWindowMillis, long dayWindowMillis) {
            while (!minute.isEmpty() && minute.peekFirst() <= now - minuteWindowMillis) {
                minute.removeFirst();
            }
            while (!day.isEmpty() && day.peekFirst() <= now - dayWindowMillis) {
                day.removeFirst();
            }
        }

        private Decision reject(String problem, long retryAfterSeconds) {
            rejected.merge(problem, 1L, Long::sum);
            return new Decision(false, problem, retryAfterSeconds,
                    Math.max(0, CALLS_PER_MINUTE - minute.size()), Math.max(0, CALLS_PER_DAY - day.size()));
        }
    }
}
