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

    /** The HTTP status and the parsed JSON body of one call. */
    public record Reply(int status, JsonNode body) {

        public boolean ok() {
            return status == 200;
        }

        public String message() {
            return body.path("message").asText("HTTP " + status);
        }
    }

    /** Signs a request before it is sent; the local stack needs none. */
    public interface RequestSigner {
        HttpRequest sign(HttpRequest.Builder request, String method, URI uri, byte[] body);
    }

    private final URI baseUrl;
    private final Optional<RequestSigner> signer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ReviewsApi(URI baseUrl, Optional<RequestSigner> signer) {
        String text = baseUrl.toString();
        this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.signer = signer;
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

    private Reply send(HttpRequest.Builder request, String method, URI uri, byte[] body)
            throws IOException, InterruptedException {
        request.timeout(Duration.ofSeconds(30));
        HttpRequest built = signer.isPresent() ? signer.get().sign(request, method, uri, body) : request.build();
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        JsonNode parsed;
        try {
            parsed = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            parsed = JSON.createObjectNode().put("message", "HTTP " + response.statusCode() + " with a body that is not JSON");
        }
        return new Reply(response.statusCode(), parsed);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
