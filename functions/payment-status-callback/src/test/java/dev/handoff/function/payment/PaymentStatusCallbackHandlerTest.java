package dev.handoff.function.payment;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.handoff.accounting.xero.XeroSignatureVerifier;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.message.Json;
import dev.handoff.message.QueuePublisher;
import dev.handoff.observability.Metrics;
import dev.handoff.service.PaymentCallbackService;
import dev.handoff.testing.EngineTestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The Xero webhook handler driven by the sample API Gateway events in {@code events/}, on the real payment-event
 * queue (ElasticMQ). Xero's intent-to-receive check expects 200 for a correctly signed delivery and exactly 401
 * for a wrongly signed one, both with an empty body.
 */
@ExtendWith(LocalEnginesExtension.class)
class PaymentStatusCallbackHandlerTest {

    private static final String WEBHOOK_KEY = "TEST-ONLY-xero-webhook-key-0000000000000000000000000000000000000000000000000000000000==";
    private static final String TENANT_ID = "0c6f0a3e-0000-4000-8000-0000000000aa";
    private static final String SIGNATURE_HEADER = "x-xero-signature";
    private static final String INTENT_SIGNATURE = "zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=";

    private final SqsClient sqs;
    private final ProvisionedResources resources;
    private final Metrics metrics = new Metrics("payment-status-callback", Clock.systemUTC(), line -> { });

    PaymentStatusCallbackHandlerTest(SqsClient sqs, ProvisionedResources resources) {
        this.sqs = sqs;
        this.resources = resources;
    }

    @BeforeEach
    void emptyQueue() {
        sqs.purgeQueue(request -> request.queueUrl(resources.queueUrl("PaymentEventQueue")));
    }

    @Test
    void intentToReceiveIsAcceptedEmpty() {
        APIGatewayV2HTTPResponse response = handler().handleRequest(event("xero-intent-to-receive.json"), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).isEmpty();
        assertThat(response.getHeaders()).doesNotContainKey("set-cookie");
        assertThat(response.getCookies()).isNullOrEmpty();
        assertThat(receiveAll()).isEmpty();
        assertThat(metrics.total("xero.signature.invalid")).isZero();
    }

    @Test
    void wrongKeySignatureIsRejectedWith401() {
        // Signed with the key "WRONG-KEY": a 400, 403 or 500 here would fail Xero's intent-to-receive check.
        APIGatewayV2HTTPEvent event = event("xero-intent-to-receive.json");
        event.getHeaders().put(SIGNATURE_HEADER, "SsYF6RsVDIilkkqmPEhbPuFKKu29I79326jEx8+FvNs=");

        APIGatewayV2HTTPResponse response = handler().handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getBody()).isEmpty();
        assertThat(response.getHeaders()).doesNotContainKey("set-cookie");
        assertThat(response.getCookies()).isNullOrEmpty();
        assertThat(receiveAll()).isEmpty();
        assertThat(metrics.total("xero.signature.invalid")).isEqualTo(1);
    }

    @Test
    void missingSignatureIsRejectedWith401() {
        APIGatewayV2HTTPEvent event = event("xero-intent-to-receive.json");
        event.getHeaders().remove(SIGNATURE_HEADER);

        APIGatewayV2HTTPResponse response = handler().handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getBody()).isEmpty();
        assertThat(metrics.total("xero.signature.invalid")).isEqualTo(1);
    }

    @Test
    void ownEncoderProducesUnwrappedSignature() {
        // Ruby's Base64.encode64 appends a line feed to its output. XeroSignatureVerifier.sign uses
        // Base64.getEncoder(), which never wraps, so it reproduces the sample's header exactly.
        byte[] body = bytes(event("xero-intent-to-receive.json").getBody());

        String signature = XeroSignatureVerifier.sign(WEBHOOK_KEY, body);

        assertThat(signature).isEqualTo(INTENT_SIGNATURE);
        assertThat(signature).doesNotContain("\n", "\r");
    }

    @ParameterizedTest(name = "signature followed by {0}")
    @ValueSource(strings = {"LF", "CRLF"})
    void lineWrappedSignatureIsRejectedWith401(String lineBreak) {
        // Xero sends the plain Base64 of the HMAC, without a line break. The verifier decodes the header strictly
        // and compares decoded bytes, so a trailing line break makes the header invalid, like any bad signature.
        APIGatewayV2HTTPEvent event = event("xero-intent-to-receive.json");
        event.getHeaders().put(SIGNATURE_HEADER, INTENT_SIGNATURE + (lineBreak.equals("LF") ? "\n" : "\r\n"));

        APIGatewayV2HTTPResponse response = handler().handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getBody()).isEmpty();
        assertThat(metrics.total("xero.signature.invalid")).isEqualTo(1);
    }

    @Test
    void reserialisedBodyIsRejectedWith401() throws IOException {
        // The intent-to-receive body has spaces after some colons, which parsing and writing the JSON again drops.
        APIGatewayV2HTTPEvent event = event("xero-intent-to-receive.json");
        String compact = Json.MAPPER.writeValueAsString(Json.MAPPER.readTree(event.getBody()));
        event.setBody(compact);

        APIGatewayV2HTTPResponse response = handler().handleRequest(event, null);

        assertThat(compact).isEqualTo("{\"events\":[],\"firstEventSequence\":0,\"lastEventSequence\":0,\"entropy\":\"QWERTYUIOPASDFGHJKLZ\"}");
        assertThat(XeroSignatureVerifier.sign(WEBHOOK_KEY, bytes(compact))).isEqualTo("+DGf04Y0FFupzDzm9gn4l/cb9FKgY6zM6vw+qFQf3kU=");
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getBody()).isEmpty();
    }

    @Test
    void base64IntentToReceiveIsHashedDecoded() {
        APIGatewayV2HTTPEvent event = event("xero-intent-to-receive.json");
        event.setBody(Base64.getEncoder().encodeToString(bytes(event.getBody())));
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse response = handler().handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).isEmpty();
    }

    @Test
    void invoiceEventIsEnqueued() {
        APIGatewayV2HTTPResponse response = handler().handleRequest(event("xero-invoice-webhook.json"), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).isEmpty();
        List<Message> messages = receiveAll();
        assertThat(messages).hasSize(1);
        JsonNode body = json(messages.get(0).body());
        assertThat(body.get("invoiceId").asText()).isEqualTo("8e2b1c44-0000-4000-8000-000000000001");
        assertThat(body.get("tenantId").asText()).isEqualTo(TENANT_ID);
        assertThat(body.get("eventDateUtc").asText()).isEqualTo("2026-02-27T21:55:10Z");
        assertThat(messages.get(0).messageAttributes().get("invoiceId").stringValue())
                .isEqualTo("8e2b1c44-0000-4000-8000-000000000001");
    }

    @Test
    void otherTenantIsAcceptedNotEnqueued() {
        APIGatewayV2HTTPEvent sample = event("xero-invoice-webhook.json");
        String body = sample.getBody().replace(TENANT_ID, "0c6f0a3e-0000-4000-8000-0000000000bb");

        APIGatewayV2HTTPResponse response = handler().handleRequest(withSignedBody(sample, body), null);

        assertThat(body).contains("0c6f0a3e-0000-4000-8000-0000000000bb");
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(receiveAll()).isEmpty();
    }

    @Test
    void contactEventIsAcceptedNotEnqueued() {
        APIGatewayV2HTTPEvent sample = event("xero-invoice-webhook.json");
        String body = sample.getBody().replace("\"eventCategory\":\"INVOICE\"", "\"eventCategory\":\"CONTACT\"")
                .replace("/Invoices/", "/Contacts/");

        APIGatewayV2HTTPResponse response = handler().handleRequest(withSignedBody(sample, body), null);

        assertThat(body).contains("\"eventCategory\":\"CONTACT\"");
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(receiveAll()).isEmpty();
    }

    static Stream<Arguments> malformedBodies() {
        String event = "{\"resourceUrl\":\"https://api.xero.com/api.xro/2.0/Invoices/8e2b1c44-0000-4000-8000-000000000001\","
                + "\"resourceId\":\"8e2b1c44-0000-4000-8000-000000000001\",\"eventDateUtc\":\"2026-02-27T21:55:10.000\","
                + "\"eventType\":\"UPDATE\",\"eventCategory\":\"INVOICE\",\"tenantId\":\"0c6f0a3e-0000-4000-8000-0000000000aa\","
                + "\"tenantType\":\"ORGANISATION\"}";
        String envelope = "{\"events\":[%s],\"firstEventSequence\":41,\"lastEventSequence\":41,\"entropy\":\"ZXCVBNMASDFGHJKLQWER\"}";
        return Stream.of(
                Arguments.of("not JSON", "events=UPDATE&tenantId=0c6f0a3e", "is not valid JSON"),
                Arguments.of("array, not object", "[" + event + "]", "is not a JSON object"),
                Arguments.of("no events array", "{\"firstEventSequence\":41,\"lastEventSequence\":41}", "has no 'events' array"),
                Arguments.of("event without resourceId",
                        envelope.formatted(event.replace("\"resourceId\":\"8e2b1c44-0000-4000-8000-000000000001\",", "")),
                        "events[0] is missing 'resourceId'"),
                Arguments.of("event date not ISO-8601",
                        envelope.formatted(event.replace("2026-02-27T21:55:10.000", "27/02/2026 21:55")),
                        "events[0].eventDateUtc is not an ISO-8601 date-time"),
                Arguments.of("empty body", "", "body is empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void signedMalformedBodyIsRejectedWith400(String description, String body, String expectedMessage) {
        APIGatewayV2HTTPResponse response = handler().handleRequest(withSignedBody(event("xero-invoice-webhook.json"), body), null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response.getBody()).get("message").asText()).contains(expectedMessage);
        assertThat(receiveAll()).isEmpty();
        assertThat(metrics.total("xero.webhook.malformed")).isEqualTo(1);
    }

    @Test
    void invalidBase64BodyIsRejectedWith400() {
        APIGatewayV2HTTPEvent event = event("xero-invoice-webhook.json");
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse response = handler().handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response.getBody()).get("message").asText()).contains("not valid base64");
        assertThat(receiveAll()).isEmpty();
    }

    private PaymentStatusCallbackHandler handler() {
        PaymentCallbackService service = new PaymentCallbackService(new XeroSignatureVerifier(WEBHOOK_KEY), new QueuePublisher(sqs),
                TENANT_ID, resources.queueUrl("PaymentEventQueue"), metrics);
        return new PaymentStatusCallbackHandler(service, Optional.empty());
    }

    /** Loads a sample event from {@code events/} with a mutable copy of its headers, so tests can change them. */
    private static APIGatewayV2HTTPEvent event(String fileName) {
        String path = RepositoryRoot.find().resolve("events").resolve(fileName).toString();
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(path);
        event.setHeaders(new HashMap<>(event.getHeaders()));
        return event;
    }

    /** Replaces the body and signs it as Xero would. */
    private static APIGatewayV2HTTPEvent withSignedBody(APIGatewayV2HTTPEvent event, String body) {
        event.setBody(body);
        event.getHeaders().put(SIGNATURE_HEADER, XeroSignatureVerifier.sign(WEBHOOK_KEY, bytes(body)));
        event.getHeaders().put("content-length", Integer.toString(bytes(body).length));
        return event;
    }

    /** Receives and deletes every message on the payment-event queue. */
    private List<Message> receiveAll() {
        return EngineTestData.receiveAndDeleteAll(sqs, resources.queueUrl("PaymentEventQueue"));
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
