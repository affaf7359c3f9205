package dev.handoff.accounting.xero;

import java.util.List;

/**
 * A Xero webhook delivery body. An intent-to-receive check from Xero has no events and sequence numbers 0.
 * {@code entropy} is a random string that makes every body, and so every signature, different.
 */
public record XeroWebhookPayload(
        List<XeroWebhookEvent> events, long firstEventSequence, long lastEventSequence, String entropy) {

    public XeroWebhookPayload {
        events = List.copyOf(events);
    }

    public boolean isIntentToReceive() {
        return events.isEmpty();
    }
}
