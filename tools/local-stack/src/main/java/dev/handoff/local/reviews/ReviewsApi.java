package dev.handoff.local.reviews;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A client of the ops routes under /ops/reviews: on the local stack plain HTTP, on a deployed stack HTTPS
 * signed with AWS Signature Version 4 by a {@link RequestSigner}, because API Gateway authorises those routes
 * with IAM.
 */
public final class ReviewsApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Maximum sends of one request, the first included, before a 503 is returned to the caller. */
    static final int MAX_ATTEMPTS = 4;
    /** Maximum single wait for Retry-After; a longer one is shortened to this. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    /** The HTTP status and the parsed JSON body of one call, and how many times the request was sent. */
    public record Reply(int status, JsonNode body, int attempts) {

        public boolean ok() {
            return status == 200;
        }

        public String message() {
            return body.path("message").asText("HTTP " + status);
        }
    }

    /** Waits between attempts; tests pass one that returns at once. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Signs a request before it is sent; the local stack needs none. */
    public interface RequestSigner {
        HttpRequest sign(HttpRequest.Builder request, String method, URI uri, byte[] body);
    }

    private final URI baseUrl;
    private final Optional<RequestSigner> signer;
    private final Sleeper sleeper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ReviewsApi(URI baseUrl, Optional<RequestSigner> signer) {
        this(baseUrl, signer, duration -> Thread.sleep(duration.toMillis()));
    }

    public ReviewsApi(URI baseUrl, Optional<RequestSigner> signer, Sleeper sleeper) {
        String text = baseUrl.toString();
        this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.signer = signer;
        this.sleeper = sleeper;
    }

    /** Lists reviews; each argument may be null to leave it out. */
    public Reply list(String status, String type, Long olderThanHours) throws IOException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        if (status != null) {
            query.put("status", status);
        }
        if (type != null) {
            query.put("type", type);
        }
        if (olderThanHours != null) {
            query.put("olderThanHours", Long.toString(olderThanHours));
        }
        return get("/ops/reviews", query);
    }

    public Reply show(String id) throws IOException, InterruptedException {
        return get("/ops/reviews/item", Map.of("id", id));
    }

    /** Approves a review; {@code reviewer} is recorded only where the API has no IAM identity (locally). */
    public Reply approve(String id, String reason, String reviewer) throws IOException, InterruptedException {
        return post("/ops/reviews/approve", id, reason, reviewer);
    }

    public Reply reject(String id, String reason, String reviewer) throws IOException, InterruptedException {
        return post("/ops/reviews/reject", id, reason, reviewer);
    }

    private Reply get(String path, Map<String, String> query) throws IOException, InterruptedException {
        String queryString = query.entrySet().stream()
                .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&"));
        URI uri = URI.create(baseUrl + path + (queryString.isEmpty() ? "" : "?" + queryString));
        return send(HttpRequest.newBuilder(uri).GET(), "GET", uri, new byte[0]);
    }

    private Reply post(String path, String id, String reason, String reviewer) throws IOException, InterruptedException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("reason", reason == null ? "" : reason);
        body.put("reviewer", reviewer);
        byte[] bytes = JSON.writeValueAsBytes(body);
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        return send(request, "POST", uri, bytes);
    }

    /**
     * Sends the request and returns the reply. A 503 with Retry-After (a spent request budget or a service that
     * is down) is waited out and sent again, at most {@value #MAX_ATTEMPTS} times in all, so a caller does not
     * depend on timing. Repeating is safe because every route is a read or a decision that the API finishes
     * instead of repeating.
     */
    private Reply send(HttpRequest.Builder request, String method, URI uri, byte[] body)
            throws IOException, InterruptedException {
        request.timeout(Duration.ofSeconds(30));
        Reply reply = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            // A fresh copy per attempt, so the signer signs each one once with the current time.
            HttpRequest.Builder copy = request.copy();
            HttpRequest built = signer.isPresent() ? signer.get().sign(copy, method, uri, body) : copy.build();
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            reply = new Reply(response.statusCode(), parse(response), attempt);
            Optional<Duration> retryAfter = retryAfter(response);
            if (response.statusCode() != 503 || retryAfter.isEmpty() || attempt == MAX_ATTEMPTS) {
                return reply;
            }
            sleeper.sleep(retryAfter.get());
        }
        return reply;
    }

    private static JsonNode parse(HttpResponse<String> response) {
        try {
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", "HTTP " + response.statusCode() + " with a body that is not JSON");
        }
    }

    /** Returns the Retry-After header in seconds (RFC 9110 section 10.2.3), capped; empty when absent or a date. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> value = response.headers().firstValue("retry-after");
        if (value.isEmpty() || !value.get().trim().matches("[0-9]{1,9}")) {
            return Optional.empty();
        }
        Duration wait = Duration.ofSeconds(Long.parseLong(value.get().trim()));
        return Optional.of(wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
