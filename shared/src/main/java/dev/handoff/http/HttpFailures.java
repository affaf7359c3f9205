package dev.handoff.http;

import dev.handoff.error.ConfigurationException;
import dev.handoff.error.DataException;
import dev.handoff.error.HandoffException;
import dev.handoff.error.NotFoundException;
import dev.handoff.error.RetryableException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Classifies remote HTTP failures once for every adapter: 429, 409 and 5xx are retryable, 401 and 403 are
 * configuration errors, 404 is not found, other 4xx are data errors. A 409 Conflict means another request on
 * the same record (or with the same idempotency key) is still in progress, so a later retry can succeed. Messages name the API and status only,
 * never the response body, which may contain personal data.
 */
public final class HttpFailures {

    private HttpFailures() {
    }

    public static HandoffException classify(String api, String operation, HttpResponse<?> response) {
        int status = response.statusCode();
        String message = api + " " + operation + " failed with HTTP " + status;
        if (status == 429) {
            return new RetryableException(message + " (rate limited)", retryAfter(response).orElse(null), null);
        }
        if (status >= 500 || status == 409) {
            return new RetryableException(message, null);
        }
        if (status == 401 || status == 403) {
            return new ConfigurationException(message + ": check the access token and its scopes");
        }
        if (status == 404) {
            return new NotFoundException(message + ": the record was not found");
        }
        return new DataException(message, List.of());
    }

    /** Reads {@code Retry-After} as delta-seconds; other forms are ignored. */
    public static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
