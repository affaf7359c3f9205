package dev.handoff.local.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test handler for HTTP routes: {@code POST /echo} returns the event's fields and its environment as JSON,
 * {@code POST /bytes} returns the request body unchanged, and {@code GET /boom} throws.
 */
public class EchoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> environment;

    public EchoHandler(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        switch (event.getRawPath()) {
            case "/boom" -> throw new IllegalStateException("test failure");
            case "/bytes" -> {
                return APIGatewayV2HTTPResponse.builder()
                        .withStatusCode(200)
                        .withHeaders(Map.of("Content-Type", "application/octet-stream",
                                "X-Request-Was-Base64", Boolean.toString(event.getIsBase64Encoded())))
                        .withBody(event.getBody())
                        .withIsBase64Encoded(event.getIsBase64Encoded())
                        .build();
            }
            default -> {
                return APIGatewayV2HTTPResponse.builder()
                        .withStatusCode(201)
                        .withHeaders(Map.of("Content-Type", "application/json"))
                        .withCookies(List.of("session=abc; Path=/"))
                        .withBody(describe(event, context))
                        .build();
            }
        }
    }

    private String describe(APIGatewayV2HTTPEvent event, Context context) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("version", event.getVersion());
        description.put("routeKey", event.getRouteKey());
        description.put("rawPath", event.getRawPath());
        description.put("rawQueryString", event.getRawQueryString());
        description.put("queryStringParameters", event.getQueryStringParameters());
        description.put("headers", event.getHeaders());
        description.put("cookies", event.getCookies());
        description.put("body", event.getBody());
        description.put("isBase64Encoded", event.getIsBase64Encoded());
        description.put("method", event.getRequestContext().getHttp().getMethod());
        description.put("sourceIp", event.getRequestContext().getHttp().getSourceIp());
        description.put("stage", event.getRequestContext().getStage());
        description.put("domainName", event.getRequestContext().getDomainName());
        description.put("requestId", event.getRequestContext().getRequestId());
        description.put("timeEpoch", event.getRequestContext().getTimeEpoch());
        description.put("functionName", context.getFunctionName());
        description.put("remainingTimeInMillis", context.getRemainingTimeInMillis());
        description.put("environment", environment);
        try {
            return JSON.writeValueAsString(description);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
