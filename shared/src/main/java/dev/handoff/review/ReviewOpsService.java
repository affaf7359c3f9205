package dev.handoff.review;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.handoff.error.NotFoundException;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import dev.handoff.message.Json;
import dev.handoff.service.WebhookResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops API for review items behind API Gateway's IAM authorisation. Routes, all JSON:
 * <ul>
 *   <li>{@code GET /ops/reviews?status=PENDING&type=TAX_EXCEPTION&olderThanHours=24}: lists items, oldest first;
 *       every parameter is optional and status defaults to PENDING.</li>
 *   <li>{@code GET /ops/reviews/item?id=<review id>}: one item with its facts.</li>
 *   <li>{@code POST /ops/reviews/approve} and {@code POST /ops/reviews/reject} with
 *       {@code {"id": "...", "reason": "..."}}: decides one item.</li>
 * </ul>
 * The reviewer recorded is the caller's IAM ARN, which API Gateway puts in the request context. A request
 * without one (the local API Gateway emulator does not authorise) must name a {@code reviewer} in its body, and
 * is recorded as {@code local:<reviewer>}.
 */
public final class ReviewOpsService {

    /** One ops request: method, path, query parameters, body, and the IAM caller when API Gateway authorised it. */
    public record OpsRequest(String method, String path, Map<String, String> query, String body, Optional<String> callerArn) {

        public OpsRequest {
            query = query == null ? Map.of() : Map.copyOf(query);
            body = body == null ? "" : body;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReviewOpsService.class);
    /** Retry-After for a retryable failure whose remote system named no delay. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    /** Upper bound of Retry-After, so a long budget window does not leave an operator waiting without a response. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);

    private final ReviewDecisionService decisions;
    private final Clock clock;

    public ReviewOpsService(ReviewDecisionService decisions, Clock clock) {
        this.decisions = decisions;
        this.clock = clock;
    }

    /**
     * Handles one request; a malformed request is a 4xx with a message, never a 5xx. A throttled or retryable
     * failure (a spent request budget, a HubSpot or Xero 429 or 5xx) is a 503 with Retry-After in whole seconds.
     * Repeating an approval after a 503 is safe: {@link ReviewDecisionService#approve} finishes a stored approval
     * instead of rejecting it as decided.
     */
    public WebhookResponse handle(OpsRequest request) {
        try {
            return route(request);
        } catch (RetryableException e) {
            long seconds = retryAfterSeconds(e);
            // The message names the API or the budget scope (a portal or tenant id), never request content.
            LOG.warn("Ops request {} {} deferred for {} s: {}: {}", request.method(), request.path(), seconds,
                    e.getClass().getSimpleName(), e.getMessage());
            return WebhookResponse.message(503, "Handoff is waiting for a rate limit or an unavailable service ("
                    + e.getMessage() + "); repeat the request after " + seconds + " s")
                    .withHeader("Retry-After", Long.toString(seconds));
        } catch (IllegalArgumentException e) {
            return rejected(request, 400, e);
        } catch (NotFoundException e) {
            return rejected(request, 404, e);
        } catch (ReviewAlreadyDecidedException e) {
            return rejected(request, 409, e);
        }
    }

    /** Logs a rejected request and returns its 4xx response. The messages name ids and parameters, not facts. */
    private static WebhookResponse rejected(OpsRequest request, int status, RuntimeException failure) {
        LOG.info("Ops request {} {} rejected with {}: {}", request.method(), request.path(), status, failure.getMessage());
        return WebhookResponse.message(status, failure.getMessage());
    }

    private WebhookResponse route(OpsRequest request) {
        String route = request.method().toUpperCase(Locale.ROOT) + " " + request.path();
        return switch (route) {
            case "GET /ops/reviews" -> list(request.query());
            case "GET /ops/reviews/item" -> json(200, Map.of("review", view(decisions.show(required(request.query(), "id")))));
            case "POST /ops/reviews/approve" -> decide(request, true);
            case "POST /ops/reviews/reject" -> decide(request, false);
            default -> WebhookResponse.message(404, "No ops route " + route
                    + "; use GET /ops/reviews, GET /ops/reviews/item, POST /ops/reviews/approve or POST /ops/reviews/reject");
        };
    }

    private WebhookResponse list(Map<String, String> query) {
        ReviewStatus status = parse(ReviewStatus.class, query.getOrDefault("status", "PENDING"), "status");
        Optional<ReviewType> type = Optional.ofNullable(query.get("type")).map(value -> parse(ReviewType.class, value, "type"));
        Optional<Instant> createdBefore = Optional.ofNullable(query.get("olderThanHours"))
                .map(value -> Instant.now(clock).minus(Duration.ofHours(hours(value))));
        List<Map<String, Object>> items = decisions.list(status, type, createdBefore).stream().map(this::view).toList();
        return json(200, Map.of("reviews", items));
    }

    private WebhookResponse decide(OpsRequest request, boolean approve) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(request.body().isBlank() ? "{}" : request.body());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The request body is not valid JSON; send {\"id\": \"...\", \"reason\": \"...\"}");
        }
        String id = text(body, "id").orElseThrow(() -> new IllegalArgumentException("The review id is missing; send it as \"id\""));
        String reason = text(body, "reason").orElse("");
        String reviewer = request.callerArn().filter(arn -> !arn.isBlank())
                .or(() -> text(body, "reviewer").map(name -> "local:" + name))
                .orElseThrow(() -> new IllegalArgumentException(
                        "The reviewer is missing: the request carries no IAM identity and no \"reviewer\""));
        ReviewItem decided = approve ? decisions.approve(id, reviewer, reason) : decisions.reject(id, reviewer, reason);
        return json(200, Map.of("review", view(decided)));
    }

    private Map<String, Object> view(ReviewItem item) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", item.id());
        view.put("handoffKey", item.handoffKey().value());
        view.put("type", item.type().name());
        view.put("status", item.status().name());
        view.put("reason", item.reason());
        view.put("fields", item.fields());
        view.put("facts", new TreeMap<>(item.facts()));
        view.put("resumeState", item.resumeState() == null ? null : item.resumeState().name());
        view.put("createdAt", item.createdAt().toString());
        view.put("ageHours", item.age(Instant.now(clock)).toHours());
        if (!item.isPending()) {
            view.put("decidedBy", item.decidedBy());
            view.put("decidedAt", item.decidedAt().toString());
            view.put("decisionReason", item.decisionReason());
        }
        return view;
    }

    /** Returns the wait a client should honour: the throttle's delay or the remote Retry-After, rounded up. */
    static long retryAfterSeconds(RetryableException failure) {
        Duration wait = failure instanceof ThrottledException throttled ? throttled.delay()
                : failure.retryAfter().orElse(DEFAULT_RETRY_AFTER);
        long seconds = wait.toSeconds() + (wait.toNanosPart() == 0 ? 0 : 1);
        return Math.max(1, Math.min(seconds, MAX_RETRY_AFTER.toSeconds()));
    }

    private static WebhookResponse json(int status, Object body) {
        return new WebhookResponse(status, Json.write(body));
    }

    private static String required(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Query parameter " + name + " is missing");
        }
        return value;
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode node = body.path(field);
        return node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText().trim()) : Optional.empty();
    }

    private static long hours(String value) {
        try {
            long hours = Long.parseLong(value.trim());
            if (hours >= 0) {
                return hours;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new IllegalArgumentException("olderThanHours '" + value + "' is invalid; use whole hours, 0 or more");
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String name) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is invalid; use one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }
}
