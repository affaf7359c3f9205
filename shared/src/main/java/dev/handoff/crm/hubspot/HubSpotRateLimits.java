package dev.handoff.crm.hubspot;

import dev.handoff.error.ThrottledException;
import dev.handoff.ratelimit.RequestBudget;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Handoff's HubSpot calls inside the portal's rate limit. HubSpot limits requests per portal, shared by
 * every app and every function instance calling it, so each request first spends one unit of a ledger-backed
 * {@link RequestBudget}. Responses are read for the {@code X-HubSpot-RateLimit-*} headers described at
 * https://developers.hubspot.com/changelog/2018-11-06-rate-limit-information-headers-will-be-included-in-http-responses
 * and https://developers.hubspot.com/docs/api/usage-details : when a window has no requests left, this instance
 * waits for the window to end before its next request.
 *
 * <p>Every wait is a {@link ThrottledException}, so the message is delayed and tried again without counting as a
 * failed attempt.
 */
public final class HubSpotRateLimits {

    /** Delay used when a 429 response carries no usable {@code Retry-After}: one HubSpot burst window. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(10);

    static final String REMAINING_HEADER = "X-HubSpot-RateLimit-Remaining";
    static final String INTERVAL_HEADER = "X-HubSpot-RateLimit-Interval-Milliseconds";
    static final String SECONDLY_REMAINING_HEADER = "X-HubSpot-RateLimit-Secondly-Remaining";
    static final String DAILY_REMAINING_HEADER = "X-HubSpot-RateLimit-Daily-Remaining";

    private static final Logger LOG = LoggerFactory.getLogger(HubSpotRateLimits.class);
    private static final Duration DAILY_PAUSE = Duration.ofHours(1);

    private final RequestBudget budget;
    private final String scope;
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final AtomicReference<Instant> pausedUntil = new AtomicReference<>(Instant.EPOCH);

    private HubSpotRateLimits(RequestBudget budget, String portalId, int limit, Duration window, Clock clock) {
        this.budget = budget;
        this.scope = "hubspot:portal:" + portalId + ":" + window.toMillis() + "ms";
        this.limit = limit;
        this.window = window;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Limits that spend {@code limit} requests per {@code window} from the shared budget of {@code portalId}.
     * Choose a limit below the portal's own, because other apps in the portal spend from the same limit.
     */
    public static HubSpotRateLimits shared(RequestBudget budget, String portalId, int limit, Duration window,
            Clock clock) {
        Objects.requireNonNull(budget, "budget");
        if (limit < 1 || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("HubSpot request budget needs a positive limit and window");
        }
        return new HubSpotRateLimits(budget, portalId, limit, window, clock);
    }

    /** Limits without a shared budget, for tools and tests: only the response headers and 429s are honoured. */
    public static HubSpotRateLimits headersOnly(Clock clock) {
        return new HubSpotRateLimits(null, "none", 1, Duration.ofSeconds(1), clock);
    }

    /**
     * Waits for permission to send one request.
     *
     * @throws ThrottledException when an earlier response reported the window spent, or the shared budget is spent
     */
    public void beforeRequest(String operation) {
        Instant now = clock.instant();
        Instant resume = pausedUntil.get();
        if (now.isBefore(resume)) {
            throw new ThrottledException("HubSpot " + operation + " waits: the portal's rate limit window is spent until "
                    + resume, Duration.between(now, resume));
        }
        if (budget != null) {
            budget.spend(scope, limit, window, now);
        }
    }

    /** Reads the rate-limit headers of a response that was not a 429. */
    public void afterResponse(HttpResponse<?> response) {
        Instant now = clock.instant();
        if (header(response, DAILY_REMAINING_HEADER).filter(remaining -> remaining <= 0).isPresent()) {
            // NOTE: HubSpot resets the daily limit at midnight in the portal's time zone, which Handoff does not
            // know, so it checks again every hour.
            pause(now.plus(DAILY_PAUSE), "daily");
            return;
        }
        if (header(response, REMAINING_HEADER).filter(remaining -> remaining <= 0).isPresent()) {
            long intervalMillis = header(response, INTERVAL_HEADER).filter(millis -> millis > 0).orElse(10_000L);
            pause(now.plusMillis(intervalMillis), "interval");
            return;
        }
        if (header(response, SECONDLY_REMAINING_HEADER).filter(remaining -> remaining <= 0).isPresent()) {
            pause(now.plusSeconds(1), "secondly");
        }
    }

    /** Builds the exception for a 429 response, delayed by its {@code Retry-After} or one burst window. */
    public ThrottledException rateLimited(String operation, HttpResponse<?> response) {
        Duration delay = retryAfter(response).orElse(DEFAULT_RETRY_AFTER);
        pause(clock.instant().plus(delay), "429");
        return new ThrottledException("HubSpot " + operation + " failed with HTTP 429 (rate limited); retry after "
                + delay.toSeconds() + " s", delay);
    }

    private void pause(Instant until, String limitName) {
        Instant previous = pausedUntil.getAndAccumulate(until, (current, next) -> next.isAfter(current) ? next : current);
        if (until.isAfter(previous)) {
            LOG.info("HubSpot {} rate limit reached; requests from this instance wait until {}", limitName, until);
        }
    }

    /** Reads {@code Retry-After} as delta-seconds, the form HubSpot sends, and ignores other forms. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private static Optional<Long> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).flatMap(value -> {
            try {
                return Optional.of(Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public String toString() {
        return "HubSpotRateLimits[scope=" + scope + ", limit=" + limit + ", window=" + window + "]";
    }
}
