package dev.handoff.accounting.xero;

/**
 * A webhook body that passed signature verification but is not the JSON shape Xero documents. The message
 * names the missing or invalid field and never contains the body.
 */
public class MalformedWebhookException extends RuntimeException {

    public MalformedWebhookException(String message) {
        super(message);
    }

    public MalformedWebhookException(String message, Throwable cause) {
        super(message, cause);
    }
}
