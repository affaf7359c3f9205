package dev.handoff.simulator.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Signature vectors were computed with Python's hmac, hashlib and base64; they come from no vendor source. */
class WebhookSenderTest {

    private static final String SECRET = "test-only-hubspot-client-secret-0000";
    private static final String PUBLIC_URL = "https://hooks.example.test/hubspot/webhook";
    private static final String STUB_BODY = "[{\"eventId\":3000000001,\"subscriptionId\":123456,\"portalId\":9999999,"
            + "\"appId\":111111,\"occurredAt\":1759999999000,\"subscriptionType\":\"deal.propertyChange\","
            + "\"attemptNumber\":0,\"objectId\":48000000001,\"propertyName\":\"dealstage\","
            + "\"propertyValue\":\"closedwon\",\"changeSource\":\"CRM_UI\",\"sourceId\":\"userId:1234\"}]";

    private static final WebhookSender.DealStageChange CHANGE =
            new WebhookSender.DealStageChange(3_000_000_001L, 9_999_999L, 48_000_000_001L, "closedwon", 0);

    @Test
    void bodyMatchesHubSpotFieldOrder() {
        byte[] body = WebhookSender.dealStageChangeBody(CHANGE, 1_759_999_999_000L);

        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(STUB_BODY);
    }

    @Test
    void signaturesMatchComputedVectors() {
        byte[] body = STUB_BODY.getBytes(StandardCharsets.UTF_8);

        assertThat(WebhookSender.signV3(SECRET, "POST", PUBLIC_URL, body, "1760000000000"))
                .isEqualTo("oOcv4q7uNZiu4/wEVXhK5N4WV0xpbURxG1Zte2UGLgk=");
        assertThat(WebhookSender.signV1(SECRET, body))
                .isEqualTo("7b1efa9abc41b6be19fa431f2bde71d7f642896caa1eecbed72bb78281c57399");
    }

    @Test
    void sendPostsSignedDeliveryToTarget() throws Exception {
        AtomicReference<byte[]> receivedBody = new AtomicReference<>();
        Map<String, String> receivedHeaders = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hubspot/webhook", exchange -> {
            receivedBody.set(exchange.getRequestBody().readAllBytes());
            exchange.getRequestHeaders().forEach((name, values) -> receivedHeaders.put(name.toLowerCase(), values.get(0)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            URI target = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hubspot/webhook");
            WebhookSender sender = new WebhookSender(SECRET,
                    Clock.fixed(Instant.ofEpochMilli(1_760_000_000_000L), ZoneOffset.UTC));

            HttpResponse<String> response = sender.sendDealStageChange(target, PUBLIC_URL, CHANGE);

            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(new String(receivedBody.get(), StandardCharsets.UTF_8)).isEqualTo(STUB_BODY);
            assertThat(receivedHeaders)
                    .containsEntry("x-hubspot-request-timestamp", "1760000000000")
                    .containsEntry("x-hubspot-signature-v3", "oOcv4q7uNZiu4/wEVXhK5N4WV0xpbURxG1Zte2UGLgk=")
                    .containsEntry("x-hubspot-signature-version", "v1")
                    .containsEntry("x-hubspot-signature",
                            "7b1efa9abc41b6be19fa431f2bde71d7f642896caa1eecbed72bb78281c57399");
        } finally {
            receiver.stop(0);
        }
    }
}
