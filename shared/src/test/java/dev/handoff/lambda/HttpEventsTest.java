package dev.handoff.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.handoff.crm.hubspot.HubSpotSignatureVerifier;
import dev.handoff.service.WebhookRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The public URL a HubSpot signature covers is rebuilt as HubSpot called it: the API Gateway host, raw path and
 * raw query string, or the configured public URL with the raw query. Nothing is URL-decoded.
 */
class HttpEventsTest {

    private static final String BODY = "[{\"eventId\":3000000001,\"portalId\":9999999}]";

    @Test
    void publicUriFromHostPathAndQuery() {
        APIGatewayV2HTTPEvent event = event(Map.of("host", "hooks.example.test"), "/hubspot/webhook", "tenant=za-001");

        WebhookRequest request = HttpEvents.toWebhookRequest(event, Optional.empty());

        assertThat(request.publicUri()).isEqualTo("https://hooks.example.test/hubspot/webhook?tenant=za-001");
    }

    @Test
    void encodedQueryIsKeptEncoded() {
        APIGatewayV2HTTPEvent event = event(Map.of("host", "hooks.example.test"), "/hubspot/webhook",
                "next=%2Fdeals%3Fid%3D1&name=a+b");

        WebhookRequest request = HttpEvents.toWebhookRequest(event, Optional.empty());

        assertThat(request.publicUri()).isEqualTo("https://hooks.example.test/hubspot/webhook?next=%2Fdeals%3Fid%3D1&name=a+b");
    }

    @Test
    void configuredPublicUrlReplacesGatewayHostAndPath() {
        APIGatewayV2HTTPEvent event = event(Map.of("host", "abc123.execute-api.af-south-1.amazonaws.com"),
                "/prod/webhooks/hubspot", "tenant=za-001");

        WebhookRequest request = HttpEvents.toWebhookRequest(event,
                Optional.of(URI.create("https://hooks.example.test/hubspot/webhook")));

        assertThat(request.publicUri()).isEqualTo("https://hooks.example.test/hubspot/webhook?tenant=za-001");
    }

    @Test
    void signatureHeaderValuesAreNotDecoded() {
        String signature = "oOcv4q7uNZiu4/wEVXhK5N4WV0xpbURxG1Zte2UGLgk=";
        APIGatewayV2HTTPEvent event = event(Map.of("host", "hooks.example.test",
                HubSpotSignatureVerifier.SIGNATURE_V3_HEADER, signature), "/hubspot/webhook", null);

        WebhookRequest request = HttpEvents.toWebhookRequest(event, Optional.empty());

        assertThat(request.header(HubSpotSignatureVerifier.SIGNATURE_V3_HEADER)).contains(signature);
    }

    @Test
    void base64BodyIsDecodedToRawBytes() {
        APIGatewayV2HTTPEvent event = event(Map.of("host", "hooks.example.test"), "/hubspot/webhook", null);
        event.setBody(Base64.getEncoder().encodeToString(BODY.getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        WebhookRequest request = HttpEvents.toWebhookRequest(event, Optional.empty());

        assertThat(request.body()).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
    }

    private static APIGatewayV2HTTPEvent event(Map<String, String> headers, String rawPath, String rawQuery) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setHeaders(headers);
        event.setRawPath(rawPath);
        event.setRawQueryString(rawQuery);
        event.setBody(BODY);
        event.setIsBase64Encoded(false);
        return event;
    }
}
