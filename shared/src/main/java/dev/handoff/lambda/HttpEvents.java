package dev.handoff.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.handoff.service.WebhookRequest;
import dev.handoff.service.WebhookResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Converts API Gateway HTTP API (payload format 2.0) events to webhook requests and back. */
public final class HttpEvents {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEvents.class);

    private HttpEvents() {
    }

    /**
     * Handles one webhook delivery: builds the request and passes it to {@code service}, or responds 400 when the
     * body is marked base64 but is not valid base64.
     *
     * @param source who sent the request, for the log line, for example "HubSpot webhook"
     */
    public static APIGatewayV2HTTPResponse handleWebhook(APIGatewayV2HTTPEvent event, Optional<URI> publicUrl,
            String source, Function<WebhookRequest, WebhookResponse> service) {
        WebhookRequest request;
        try {
            request = toWebhookRequest(event, publicUrl);
        } catch (IllegalArgumentException e) {
            return invalidBase64(event, source);
        }
        return toResponse(service.apply(request));
    }

    /**
     * Returns the 400 response for a body marked base64 that is not valid base64. Logs the API Gateway request id,
     * never the body.
     */
    public static APIGatewayV2HTTPResponse invalidBase64(APIGatewayV2HTTPEvent event, String source) {
        LOG.warn("{} rejected: body is marked base64 but is not valid base64 (API Gateway request {})", source,
                event.getRequestContext() == null ? null : event.getRequestContext().getRequestId());
        return toResponse(WebhookResponse.message(400, "Request body is marked base64 but is not valid base64"));
    }

    /**
     * Builds the request as the sender made it. The body bytes are taken as delivered (base64-decoded when
     * API Gateway encoded them) and never re-serialised. The public URI is {@code publicUrl} when configured,
     * else rebuilt from the Host header, the raw path and the raw query string, as the sender called it.
     *
     * @throws IllegalArgumentException if the event claims base64 but the body is not valid base64
     */
    public static WebhookRequest toWebhookRequest(APIGatewayV2HTTPEvent event, Optional<URI> publicUrl) {
        Map<String, String> headers = event.getHeaders() == null ? Map.of() : event.getHeaders();
        String body = event.getBody() == null ? "" : event.getBody();
        byte[] bytes = event.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        String method = event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod()
                : "POST";
        return new WebhookRequest(method, publicUri(event, headers, publicUrl), headers, bytes);
    }

    public static APIGatewayV2HTTPResponse toResponse(WebhookResponse response) {
        var builder = APIGatewayV2HTTPResponse.builder().withStatusCode(response.statusCode());
        Map<String, String> headers = new java.util.LinkedHashMap<>(response.headers());
        if (response.body().isEmpty()) {
            return builder.withBody("").withHeaders(headers).build();
        }
        headers.put("content-type", "application/json");
        return builder.withBody(response.body()).withHeaders(headers).build();
    }

    private static String publicUri(APIGatewayV2HTTPEvent event, Map<String, String> headers, Optional<URI> publicUrl) {
        String query = event.getRawQueryString() == null || event.getRawQueryString().isEmpty() ? "" : "?" + event.getRawQueryString();
        if (publicUrl.isPresent()) {
            return publicUrl.get() + query;
        }
        String host = headers.entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase("host"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseGet(() -> event.getRequestContext() == null ? "localhost" : event.getRequestContext().getDomainName());
        String proto = headers.entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase("x-forwarded-proto"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("https");
        return proto + "://" + host + event.getRawPath() + query;
    }
}
