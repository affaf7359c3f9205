package dev.handoff.function.dealwon;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.handoff.config.WonStages;
import dev.handoff.crm.hubspot.HubSpotSignatureVerifier;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.message.Json;
import dev.handoff.message.QueuePublisher;
import dev.handoff.observability.Metrics;
import dev.handoff.service.DealWonIntakeService;
import dev.handoff.testing.HandlerEngineFixture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The deal-won webhook handler driven by the sample API Gateway event in {@code events/}, on the real ledger
 * (dynalite) and deal-won queue (ElasticMQ). The sample is signed at timestamp 1760000000000 for the public URL
 * below, so every test fixes the clock near that instant.
 */
@ExtendWith(LocalEnginesExtension.class)
class DealWonWebhookHandlerTest {

    private static final String SECRET = "test-only-hubspot-client-secret-0000";
    private static final String PUBLIC_URL = "https://hooks.example.test/hubspot/webhook";
    private static final String PORTAL_ID = "9999999";
    private static final String TENANT_ID = "0c6f0a3e-0000-4000-8000-0000000000aa";
    private static final String TIMESTAMP_HEADER = "x-hubspot-request-timestamp";
    private static final String SIGNATURE_HEADER = "x-hubspot-signature-v3";

    /** One minute after the sample's timestamp: inside the five-minute window. */
    private static final long FRESH_MILLIS = 1_760_000_060_000L;
    /** Five minutes and one millisecond after the sample's timestamp: just outside the window. */
    private static final long STALE_MILLIS = 1_760_000_300_001L;

    private final HandlerEngineFixture engines;
    private final Ledger ledger;
    private final Metrics metrics = new Metrics("deal-won-webhook", Clock.systemUTC(), line -> { });

    DealWonWebhookHandlerTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.engines = new HandlerEngineFixture(dynamoDb, sqs, resources);
        this.ledger = engines.ledger();
    }

    // Tests in this class share one table and queue, and several send the same sample event id.
    @BeforeEach
    void emptyLedgerAndQueue() {
        engines.emptyLedger();
        engines.purgeQueue("DealWonQueue");
    }

    @Test
    void freshSampleEnqueuesOneDeal() {
        APIGatewayV2HTTPResponse response = handler(FRESH_MILLIS).handleRequest(sampleEvent(), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        List<Message> messages = receiveAll();
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).messageAttributes().get("eventKey").stringValue()).isEqualTo("9999999:3000000001");
        assertThat(messages.get(0).messageAttributes().get("handoffKey").stringValue()).isEqualTo("hubspot:9999999:48000000001");
        assertThat(json(messages.get(0).body()).get("handoffKey").asText()).isEqualTo("hubspot:9999999:48000000001");
        assertThat(json(messages.get(0).body()).get("eventKey").asText()).isEqualTo("9999999:3000000001");
        assertThat(metrics.total("hubspot.deals.accepted")).isEqualTo(1);
    }

    @Test
    void staleTimestampIsRejectedWith401() {
        APIGatewayV2HTTPResponse response = handler(STALE_MILLIS).handleRequest(sampleEvent(), null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(message(response)).contains("older than the clock");
        assertThat(receiveAll()).isEmpty();
        assertThat(metrics.total("hubspot.signature.invalid")).isEqualTo(1);
    }

    @Test
    void timestampOneMillisecondInsideWindowIsAccepted() {
        APIGatewayV2HTTPResponse response = handler(STALE_MILLIS - 1).handleRequest(sampleEvent(), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
    }

    @Test
    void retriedDeliveryEnqueuesOnce() {
        // HubSpot retries a delivery that failed or timed out: same eventId, next attemptNumber, a new signature.
        DealWonWebhookHandler handler = handler(FRESH_MILLIS);
        APIGatewayV2HTTPEvent first = sampleEvent();
        APIGatewayV2HTTPEvent retry = withSignedBody(sampleEvent(), first.getBody().replace("\"attemptNumber\":0", "\"attemptNumber\":1"));

        APIGatewayV2HTTPResponse firstResponse = handler.handleRequest(first, null);
        APIGatewayV2HTTPResponse retryResponse = handler.handleRequest(retry, null);

        assertThat(retry.getBody()).contains("\"attemptNumber\":1");
        assertThat(firstResponse.getStatusCode()).isEqualTo(200);
        assertThat(retryResponse.getStatusCode()).isEqualTo(200);
        assertThat(message(retryResponse)).contains("1 repeat(s)");
        assertThat(receiveAll()).hasSize(1);
        Map<String, AttributeValue> delivery = deliveryRecord("9999999:3000000001");
        assertThat(delivery).isNotEmpty();
        assertThat(delivery.get("handoffKey").s()).isEqualTo("hubspot:9999999:48000000001");
        assertThat(delivery.get("enqueued").bool()).isTrue();
    }

    @Test
    void floatTimestampIsRejectedWith401() {
        // A helper that takes the timestamp as a float hashes "1760000000000.0", but HubSpot signs integer milliseconds.
        String floatTimestamp = "1760000000000.0";
        String floatSignature = "Fzs0VSxZv6k3eFzkam3Y1QeY7qASj1FibESOWdF/Y0Y=";
        APIGatewayV2HTTPEvent event = sampleEvent();
        event.getHeaders().put(TIMESTAMP_HEADER, floatTimestamp);
        event.getHeaders().put(SIGNATURE_HEADER, floatSignature);

        APIGatewayV2HTTPResponse response = handler(FRESH_MILLIS).handleRequest(event, null);

        assertThat(HubSpotSignatureVerifier.signV3(SECRET, "POST", PUBLIC_URL, bytes(event.getBody()), floatTimestamp))
                .isEqualTo(floatSignature);
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(message(response)).contains("not an integer number of milliseconds");
        assertThat(receiveAll()).isEmpty();
    }

    static Stream<Arguments> malformedBodies() {
        String event = "{\"eventId\":3000000001,\"subscriptionId\":123456,\"portalId\":9999999,\"appId\":111111,"
                + "\"occurredAt\":1759999999000,\"subscriptionType\":\"deal.propertyChange\",\"attemptNumber\":0,"
                + "\"objectId\":48000000001,\"propertyName\":\"dealstage\",\"propertyValue\":\"closedwon\","
                + "\"changeSource\":\"CRM_UI\",\"sourceId\":\"userId:1234\"}";
        String withoutEventId = event.replace("\"eventId\":3000000001,", "");
        String hundredAndOne = IntStream.range(0, 101)
                .mapToObj(i -> event.replace("3000000001", Long.toString(3_000_000_001L + i)))
                .collect(Collectors.joining(",", "[", "]"));
        return Stream.of(
                Arguments.of("not JSON", "eventId=3000000001&portalId=9999999", "body is not valid JSON"),
                Arguments.of("object, not array", event, "body is not a JSON array"),
                Arguments.of("event without eventId", "[" + withoutEventId + "]", "event 1 has no eventId"),
                Arguments.of("deal id -1", "[" + event.replace("48000000001", "-1") + "]",
                        "event 1 field objectId is -1, not a HubSpot id"),
                Arguments.of("deal id 0", "[" + event.replace("48000000001", "0") + "]",
                        "event 1 field objectId is 0, not a HubSpot id"),
                Arguments.of("portal id -1", "[" + event.replace("\"portalId\":9999999", "\"portalId\":-1") + "]",
                        "event 1 field portalId is -1, not a HubSpot id"),
                Arguments.of("101 events", hundredAndOne, "body has 101 events, more than 100 allowed"),
                Arguments.of("empty body", "", "body is not a JSON array"),
                Arguments.of("body over 1 MiB", "[" + " ".repeat(1024 * 1024) + "]", "larger than 1048576 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void signedMalformedBodyIsRejectedWith400(String description, String body, String expectedMessage) {
        APIGatewayV2HTTPResponse response = handler(FRESH_MILLIS).handleRequest(withSignedBody(sampleEvent(), body), null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getHeaders()).containsEntry("content-type", "application/json");
        assertThat(message(response)).contains(expectedMessage);
        assertThat(receiveAll()).isEmpty();
    }

    @Test
    void base64BodyIsHashedAfterDecoding() {
        APIGatewayV2HTTPEvent event = sampleEvent();
        event.setBody(Base64.getEncoder().encodeToString(bytes(event.getBody())));
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse response = handler(FRESH_MILLIS).handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(receiveAll()).hasSize(1);
    }

    @Test
    void invalidBase64BodyIsRejectedWith400() {
        APIGatewayV2HTTPEvent event = sampleEvent();
        event.setBody("[{\"eventId\":3000000001}]");
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse response = handler(FRESH_MILLIS).handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(message(response)).contains("not valid base64");
        assertThat(receiveAll()).isEmpty();
    }

    @Test
    void stageNotWonIsAcceptedNotEnqueued() {
        APIGatewayV2HTTPEvent sample = sampleEvent();
        String body = sample.getBody().replace("\"propertyValue\":\"closedwon\"", "\"propertyValue\":\"contractsent\"");

        APIGatewayV2HTTPResponse response = handler(FRESH_MILLIS).handleRequest(withSignedBody(sample, body), null);

        assertThat(body).contains("contractsent");
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(message(response)).contains("1 event(s) needing no work");
        assertThat(receiveAll()).isEmpty();
    }

    @Test
    void otherPortalIsAcceptedNotEnqueued() {
        APIGatewayV2HTTPEvent sample = sampleEvent();
        String body = sample.getBody().replace("\"portalId\":9999999", "\"portalId\":1234567");

        APIGatewayV2HTTPResponse response = handler(FRESH_MILLIS).handleRequest(withSignedBody(sample, body), null);

        assertThat(body).contains("\"portalId\":1234567");
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(receiveAll()).isEmpty();
        assertThat(deliveryRecord("1234567:3000000001")).isEmpty();
    }

    private DealWonWebhookHandler handler(long clockMillis) {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(clockMillis), ZoneOffset.UTC);
        DealWonIntakeService service = new DealWonIntakeService(new HubSpotSignatureVerifier(SECRET, clock), ledger,
                new QueuePublisher(engines.sqs()), WonStages.parse("default:closedwon"), TENANT_ID, PORTAL_ID,
                engines.queueUrl("DealWonQueue"), metrics, clock);
        return new DealWonWebhookHandler(service, Optional.of(URI.create(PUBLIC_URL)));
    }

    /** Loads the sample event with a mutable copy of its headers, so tests can change them. */
    private static APIGatewayV2HTTPEvent sampleEvent() {
        String path = RepositoryRoot.find().resolve("events/hubspot-deal-won-webhook.json").toString();
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(path);
        event.setHeaders(new HashMap<>(event.getHeaders()));
        return event;
    }

    /** Replaces the body and signs it as HubSpot would, with the event's own timestamp header. */
    private static APIGatewayV2HTTPEvent withSignedBody(APIGatewayV2HTTPEvent event, String body) {
        event.setBody(body);
        String signature = HubSpotSignatureVerifier.signV3(SECRET, "POST", PUBLIC_URL, bytes(body),
                event.getHeaders().get(TIMESTAMP_HEADER));
        event.getHeaders().put(SIGNATURE_HEADER, signature);
        event.getHeaders().put("content-length", Integer.toString(bytes(body).length));
        return event;
    }

    private Map<String, AttributeValue> deliveryRecord(String eventKey) {
        return engines.dynamoDb().getItem(request -> request.tableName(engines.tableName()).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("DELIVERY#hubspot#" + eventKey), "sk", AttributeValue.fromS("DELIVERY"))))
                .item();
    }

    /** Receives and deletes every message on the deal-won queue. */
    private List<Message> receiveAll() {
        return engines.receiveAll("DealWonQueue");
    }

    private static String message(APIGatewayV2HTTPResponse response) {
        return json(response.getBody()).get("message").asText();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
