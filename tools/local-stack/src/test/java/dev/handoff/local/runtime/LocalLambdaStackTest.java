package dev.handoff.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class LocalLambdaStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static LocalLambdaStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalLambdaStack.builder()
                .template(Path.of(LocalLambdaStackTest.class.getResource("/runtime/template.yaml").toURI()))
                .stackName("runtime-test")
                .parameter("TenantId", "tenant-local")
                .environment("EXTRA_SETTING", "from-override")
                .retryDelay(Duration.ZERO)
                .start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void routeInvokesHandlerWithV2Event() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(stack.apiBaseUrl().resolve("/echo?name=a&name=b&x=%20y"))
                .header("Content-Type", "application/json")
                .header("X-Custom", "one")
                .header("Cookie", "first=1; second=2")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dealId\":\"d-1\"}"))
                .build();

        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode event = JSON.readTree(response.body());

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(response.headers().allValues("set-cookie")).containsExactly("session=abc; Path=/");
        assertThat(event.get("version").asText()).isEqualTo("2.0");
        assertThat(event.get("routeKey").asText()).isEqualTo("POST /echo");
        assertThat(event.get("rawPath").asText()).isEqualTo("/echo");
        assertThat(event.get("rawQueryString").asText()).isEqualTo("name=a&name=b&x=%20y");
        assertThat(event.get("queryStringParameters").get("name").asText()).isEqualTo("a,b");
        assertThat(event.get("queryStringParameters").get("x").asText()).isEqualTo(" y");
        assertThat(event.get("headers").get("x-custom").asText()).isEqualTo("one");
        assertThat(event.get("headers").has("cookie")).isFalse();
        assertThat(event.get("cookies")).extracting(JsonNode::asText).containsExactly("first=1", "second=2");
        assertThat(event.get("body").asText()).isEqualTo("{\"dealId\":\"d-1\"}");
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(event.get("method").asText()).isEqualTo("POST");
        assertThat(event.get("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(event.get("stage").asText()).isEqualTo("$default");
        assertThat(event.get("domainName").asText()).isEqualTo(stack.apiBaseUrl().getAuthority());
        assertThat(event.get("requestId").asText()).isNotBlank();
        assertThat(event.get("timeEpoch").asLong()).isPositive();
        assertThat(event.get("functionName").asText()).isEqualTo("EchoFunction");
        assertThat(event.get("remainingTimeInMillis").asInt()).isBetween(1, 5000);
    }

    @Test
    void handlerGetsResolvedEnvironment() throws Exception {
        JsonNode environment = JSON.readTree(post("/echo", "application/json", "{}".getBytes(StandardCharsets.UTF_8)).body())
                .get("environment");

        assertThat(environment.get("GREETING").asText()).isEqualTo("hello");
        assertThat(environment.get("TENANT_ID").asText()).isEqualTo("tenant-local");
        assertThat(environment.get("WORK_TABLE").asText()).isEqualTo("runtime-test-WorkTable");
        assertThat(environment.get("WORK_QUEUE_URL").asText()).isEqualTo(stack.queueUrl("WorkQueue"));
        assertThat(environment.get("AWS_REGION").asText()).isEqualTo("af-south-1");
        assertThat(environment.get("AWS_ENDPOINT_URL_SQS").asText()).startsWith("http://127.0.0.1:");
        assertThat(environment.get("AWS_ENDPOINT_URL_DYNAMODB").asText()).startsWith("http://127.0.0.1:");
        assertThat(environment.get("AWS_ACCESS_KEY_ID").asText()).isNotBlank();
        assertThat(environment.get("EXTRA_SETTING").asText()).isEqualTo("from-override");
    }

    @Test
    void binaryBodyIsBase64Encoded() throws Exception {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }

        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(stack.apiBaseUrl().resolve("/bytes"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-request-was-base64")).contains("true");
        assertThat(response.body()).isEqualTo(bytes);
    }

    @Test
    void invalidUtf8TextIsBase64Encoded() throws Exception {
        byte[] invalid = {'o', 'k', (byte) 0xC3, (byte) 0x28};

        HttpResponse<String> response = post("/echo", "text/plain", invalid);

        assertThat(JSON.readTree(response.body()).get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(JSON.readTree(response.body()).get("body").asText()).isEqualTo("b2vDKA==");
    }

    @Test
    void unknownRouteReturns404() throws Exception {
        HttpResponse<String> unknownPath = post("/nowhere", "application/json", new byte[0]);
        HttpResponse<String> wrongMethod = HTTP.send(HttpRequest.newBuilder(stack.apiBaseUrl().resolve("/echo")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(unknownPath.statusCode()).isEqualTo(404);
        assertThat(unknownPath.body()).isEqualTo("{\"message\":\"Not Found\"}");
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
    }

    @Test
    void handlerExceptionReturns500() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(stack.apiBaseUrl().resolve("/boom")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("{\"message\":\"Internal Server Error\"}");
    }

    @Test
    void oversizedBodyReturns413() throws Exception {
        HttpResponse<String> response = post("/echo", "application/json", new byte[ApiGatewayEmulator.MAX_BODY_BYTES + 1]);

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void partialFailureRetriesOnlyFailedMessage() {
        String run = UUID.randomUUID().toString();
        String queueUrl = stack.queueUrl("WorkQueue");
        for (String body : List.of("ok-1 " + run, "fail " + run, "ok-2 " + run)) {
            stack.sqs().sendMessage(request -> request.queueUrl(queueUrl).messageBody(body));
        }

        stack.awaitQuiescence(Duration.ofSeconds(30));

        List<SQSEvent.SQSMessage> received = RecordingSqsHandler.RECEIVED.stream()
                .filter(message -> message.getBody().endsWith(run))
                .toList();
        assertThat(received).filteredOn(message -> message.getBody().startsWith("ok-1")).hasSize(1);
        assertThat(received).filteredOn(message -> message.getBody().startsWith("ok-2")).hasSize(1);
        assertThat(received).filteredOn(message -> message.getBody().startsWith("fail"))
                .extracting(message -> message.getAttributes().get("ApproximateReceiveCount"))
                .containsExactly("1", "2", "3");
        List<Message> deadLetters = stack.sqs().receiveMessage(request -> request
                .queueUrl(stack.queueUrl("WorkDeadLetterQueue")).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        assertThat(deadLetters).extracting(Message::body).containsExactly("fail " + run);
    }

    @Test
    void sqsRecordHasLambdaFields() {
        String run = UUID.randomUUID().toString();
        stack.sqs().sendMessage(request -> request.queueUrl(stack.queueUrl("WorkQueue")).messageBody("ok " + run)
                .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String").stringValue("deal").build())));

        stack.awaitQuiescence(Duration.ofSeconds(30));

        SQSEvent.SQSMessage record = RecordingSqsHandler.RECEIVED.stream()
                .filter(message -> message.getBody().equals("ok " + run))
                .findFirst().orElseThrow();
        assertThat(record.getEventSource()).isEqualTo("aws:sqs");
        assertThat(record.getEventSourceArn()).isEqualTo("arn:aws:sqs:af-south-1:000000000000:runtime-test-work");
        assertThat(record.getAwsRegion()).isEqualTo("af-south-1");
        assertThat(record.getMessageId()).isNotBlank();
        assertThat(record.getReceiptHandle()).isNotBlank();
        assertThat(record.getMd5OfBody()).hasSize(32);
        assertThat(record.getAttributes()).containsEntry("ApproximateReceiveCount", "1").containsKey("SentTimestamp");
        assertThat(record.getMessageAttributes().get("kind").getStringValue()).isEqualTo("deal");
        assertThat(record.getMessageAttributes().get("kind").getDataType()).isEqualTo("String");
    }

    @Test
    void thrownBatchIsRetriedThenDeadLettered() {
        String run = UUID.randomUUID().toString();
        String queueUrl = stack.queueUrl("PlainQueue");
        long errorsBefore = stack.metrics().get("PlainFunction").errors();
        stack.sqs().sendMessage(request -> request.queueUrl(queueUrl).messageBody("fail " + run));

        stack.awaitQuiescence(Duration.ofSeconds(30));

        assertThat(ThrowingSqsHandler.RECEIVED).filteredOn(message -> message.getBody().equals("fail " + run)).hasSize(2);
        assertThat(stack.dlqDepths()).containsEntry("PlainDeadLetterQueue", 1);
        assertThat(stack.metrics().get("PlainFunction").errors() - errorsBefore).isEqualTo(2);
    }

    @Test
    void successfulMessageIsDeleted() {
        String run = UUID.randomUUID().toString();
        String queueUrl = stack.queueUrl("PlainQueue");
        stack.sqs().sendMessage(request -> request.queueUrl(queueUrl).messageBody("ok " + run));

        stack.awaitQuiescence(Duration.ofSeconds(30));

        assertThat(ThrowingSqsHandler.RECEIVED).filteredOn(message -> message.getBody().equals("ok " + run)).hasSize(1);
        assertThat(stack.sqs().receiveMessage(request -> request.queueUrl(queueUrl).waitTimeSeconds(1)).messages()).isEmpty();
    }

    private static HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        URI uri = stack.apiBaseUrl().resolve(path);
        return HTTP.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
