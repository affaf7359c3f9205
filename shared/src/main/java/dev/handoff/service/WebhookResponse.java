package dev.handoff.service;

import java.util.Map;

/**
 * HTTP response to a webhook or ops request: the status, the body (empty when the sender expects none) and any
 * headers beyond the content type, such as Retry-After.
 */
public record WebhookResponse(int statusCode, String body, Map<String, String> headers) {

    public WebhookResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public WebhookResponse(int statusCode, String body) {
        this(statusCode, body, Map.of());
    }

    public static WebhookResponse empty(int statusCode) {
        return new WebhookResponse(statusCode, "");
    }

    /** A JSON body {@code {"message": "..."}}; the message must not contain request content. */
    public static WebhookResponse message(int statusCode, String message) {
        return new WebhookResponse(statusCode, dev.handoff.message.Json.write(java.util.Map.of("message", message)));
    }

    /** Returns a copy with one more header. */
    public WebhookResponse withHeader(String name, String value) {
        Map<String, String> merged = new java.util.LinkedHashMap<>(headers);
        merged.put(name, value);
        return new WebhookResponse(statusCode, body, merged);
    }
}
