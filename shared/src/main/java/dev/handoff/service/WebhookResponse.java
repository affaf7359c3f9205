package dev.handoff.service;

/** HTTP response to a webhook: the status and the body, which is empty when the sender expects none. */
public record WebhookResponse(int statusCode, String body) {

    public static WebhookResponse empty(int statusCode) {
        return new WebhookResponse(statusCode, "");
    }

    /** A JSON body {@code {"message": "..."}}; the message must not contain request content. */
    public static WebhookResponse message(int statusCode, String message) {
        return new WebhookResponse(statusCode, dev.handoff.message.Json.write(java.util.Map.of("message", message)));
    }
}
