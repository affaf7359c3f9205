package dev.handoff.simulator.hubspot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends HubSpot-shaped webhook deliveries, signed the way HubSpot signs them: {@code X-HubSpot-Signature-v3} with
 * {@code X-HubSpot-Request-Timestamp}, plus the legacy {@code X-HubSpot-Signature} at version v1. The signature
 * covers {@code publicUrl}, the URL HubSpot would have called, while the request itself goes to {@code target},
 * for example a local handler behind what would be an API gateway.
 *
 * <p>The HMAC is computed here because the simulators module does not depend on the shared module.
 */
public final class WebhookSender {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String clientSecret;
    private final Clock clock;
    private final HttpClient httpClient;

    public WebhookSender(String clientSecret, Clock clock) {
        this(clientSecret, clock, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    public WebhookSender(String clientSecret, Clock clock, HttpClient httpClient) {
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    }

    /** One {@code deal.propertyChange} event of {@code dealstage}. */
    public record DealStageChange(long eventId, long portalId, long dealId, String stage, int attemptNumber) {
    }

    /**
     * POSTs a delivery with one {@code deal.propertyChange} event for {@code dealstage} to {@code target},
     * signed over {@code publicUrl} with the clock's current time, and returns the response.
     */
    public HttpResponse<String> sendDealStageChange(URI target, String publicUrl, DealStageChange change)
            throws IOException, InterruptedException {
        byte[] body = dealStageChangeBody(change, clock.millis() - 1_000);
        return send(target, publicUrl, body);
    }

    /** POSTs {@code body} exactly as given to {@code target}, signed over {@code publicUrl}. */
    public HttpResponse<String> send(URI target, String publicUrl, byte[] body)
            throws IOException, InterruptedException {
        String timestamp = Long.toString(clock.millis());
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "HubSpot Connect 2.0 (simulator)")
                .header("X-HubSpot-Request-Timestamp", timestamp)
                .header("X-HubSpot-Signature-v3", signV3(clientSecret, "POST", publicUrl, body, timestamp))
                .header("X-HubSpot-Signature-Version", "v1")
                .header("X-HubSpot-Signature", signV1(clientSecret, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return httpClient.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * Returns the delivery body for one stage change, a JSON array with the fields in HubSpot's order.
     * {@code subscriptionId}, {@code appId} and {@code sourceId} are fixed made-up values.
     */
    public static byte[] dealStageChangeBody(DealStageChange change, long occurredAt) {
        return dealPropertyChangeBody(change.eventId(), change.portalId(), change.dealId(), "dealstage", change.stage(),
                change.attemptNumber(), occurredAt);
    }

    /** Returns the delivery body for one {@code deal.propertyChange} of any property. */
    public static byte[] dealPropertyChangeBody(long eventId, long portalId, long dealId, String propertyName,
            String propertyValue, int attemptNumber, long occurredAt) {
        ArrayNode delivery = MAPPER.createArrayNode();
        ObjectNode event = eventHeader(delivery, eventId, portalId, "deal.propertyChange", attemptNumber, occurredAt);
        event.put("objectId", dealId);
        event.put("propertyName", propertyName);
        event.put("propertyValue", propertyValue);
        event.put("changeSource", "CRM_UI");
        event.put("sourceId", "userId:1234");
        return bytes(delivery);
    }

    /** Returns the delivery body for one {@code deal.deletion}. */
    public static byte[] dealDeletionBody(long eventId, long portalId, long dealId, long occurredAt) {
        ArrayNode delivery = MAPPER.createArrayNode();
        ObjectNode event = eventHeader(delivery, eventId, portalId, "deal.deletion", 0, occurredAt);
        event.put("objectId", dealId);
        event.put("changeFlag", "DELETED");
        event.put("changeSource", "CRM_UI");
        return bytes(delivery);
    }

    private static ObjectNode eventHeader(ArrayNode delivery, long eventId, long portalId, String subscriptionType,
            int attemptNumber, long occurredAt) {
        ObjectNode event = delivery.addObject();
        event.put("eventId", eventId);
        event.put("subscriptionId", 123456);
        event.put("portalId", portalId);
        event.put("appId", 111111);
        event.put("occurredAt", occurredAt);
        event.put("subscriptionType", subscriptionType);
        event.put("attemptNumber", attemptNumber);
        return event;
    }

    private static byte[] bytes(ArrayNode delivery) {
        try {
            return MAPPER.writeValueAsBytes(delivery);
        } catch (IOException e) {
            throw new IllegalStateException("Failed to serialise the webhook delivery as JSON", e);
        }
    }

    /** Returns {@code Base64(HMAC-SHA256(secret, method + uri + body + timestamp))}, hashing the body bytes as given. */
    public static String signV3(String secret, String method, String uri, byte[] body, String timestamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((method + uri).getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    /** Returns lower-case hex {@code SHA-256(secret + body)}. */
    public static String signV1(String secret, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(secret.getBytes(StandardCharsets.UTF_8));
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSender[]";
    }
}
