package dev.handoff.simulator.xero;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends Xero-shaped webhook deliveries to a local receiver: the body is signed like Xero signs it (Base64 of
 * HMAC-SHA256 over the exact body bytes, keyed with the webhook key) in {@code x-xero-signature}. Only loopback
 * targets are accepted, so the simulator never sends traffic off the machine.
 */
public final class WebhookDispatcher {

    private static final DateTimeFormatter EVENT_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
    private static final String ENTROPY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private final String webhookKey;
    private final Clock clock;
    private final HttpClient http;
    private final AtomicLong sequence = new AtomicLong();

    public WebhookDispatcher(String webhookKey, Clock clock) {
        if (webhookKey == null || webhookKey.isBlank()) {
            throw new IllegalArgumentException("webhookKey is missing");
        }
        this.webhookKey = webhookKey;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Posts one INVOICE UPDATE event for the invoice and returns the receiver's HTTP status. */
    public int sendInvoiceUpdate(URI targetUrl, String tenantId, String invoiceId) {
        long eventSequence = sequence.incrementAndGet();
        String eventDate = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).format(EVENT_DATE);
        String body = "{\"events\":[{\"resourceUrl\":\"https://api.xero.com/api.xro/2.0/Invoices/" + invoiceId + "\","
                + "\"resourceId\":\"" + invoiceId + "\",\"eventDateUtc\":\"" + eventDate + "\","
                + "\"eventType\":\"UPDATE\",\"eventCategory\":\"INVOICE\",\"tenantId\":\"" + tenantId + "\","
                + "\"tenantType\":\"ORGANISATION\"}],\"firstEventSequence\":" + eventSequence
                + ",\"lastEventSequence\":" + eventSequence + ",\"entropy\":\"" + entropy() + "\"}";
        return send(targetUrl, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Posts the exact body bytes, signed with the webhook key, and returns the receiver's HTTP status. */
    public int send(URI targetUrl, byte[] body) {
        requireLoopback(targetUrl);
        HttpRequest request = HttpRequest.newBuilder(targetUrl)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("x-xero-signature", sign(webhookKey, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new IllegalStateException("Webhook delivery to " + targetUrl + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Webhook delivery to " + targetUrl + " was interrupted", e);
        }
    }

    /** Computes the {@code x-xero-signature} value of a body. */
    public static String sign(String webhookKey, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(webhookKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this Java runtime", e);
        }
    }

    private static void requireLoopback(URI targetUrl) {
        try {
            if (targetUrl.getHost() == null || !InetAddress.getByName(targetUrl.getHost()).isLoopbackAddress()) {
                throw new IllegalArgumentException("Webhook target " + targetUrl + " is not a loopback address. "
                        + "The simulator delivers webhooks only to 127.0.0.1, so pass a 127.0.0.1 URL");
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Webhook target host is unknown: " + targetUrl, e);
        }
    }

    private static String entropy() {
        StringBuilder text = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            text.append(ENTROPY_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ENTROPY_ALPHABET.length())));
        }
        return text.toString();
    }
}
