package dev.handoff.service;

import dev.handoff.accounting.xero.MalformedWebhookException;
import dev.handoff.accounting.xero.XeroSignatureVerifier;
import dev.handoff.accounting.xero.XeroWebhookEvent;
import dev.handoff.accounting.xero.XeroWebhookParser;
import dev.handoff.accounting.xero.XeroWebhookPayload;
import dev.handoff.message.PaymentEventMessage;
import dev.handoff.message.QueuePublisher;
import dev.handoff.observability.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a Xero webhook delivery: verifies {@code x-xero-signature} over the raw body, then enqueues one
 * payment event per INVOICE event of the configured organisation. Xero's intent-to-receive check needs
 * exactly 200 for a correctly signed request and 401 for a wrongly signed one, both with an empty body.
 * Xero also expects the response within five seconds, so the invoice is read later by the payment-status
 * consumer, not here.
 */
public final class PaymentCallbackService {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentCallbackService.class);

    /** Xero sends small deliveries; anything larger than this is not from Xero. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final XeroSignatureVerifier verifier;
    private final XeroWebhookParser parser = new XeroWebhookParser();
    private final QueuePublisher queue;
    private final String tenantId;
    private final String paymentEventsQueueUrl;
    private final Metrics metrics;

    public PaymentCallbackService(XeroSignatureVerifier verifier, QueuePublisher queue, String tenantId,
            String paymentEventsQueueUrl, Metrics metrics) {
        this.verifier = verifier;
        this.queue = queue;
        this.tenantId = tenantId;
        this.paymentEventsQueueUrl = paymentEventsQueueUrl;
        this.metrics = metrics;
    }

    public WebhookResponse handle(WebhookRequest request) {
        if (request.body().length > MAX_BODY_BYTES) {
            metrics.increment("xero.webhook.malformed");
            LOG.warn("Xero webhook rejected: body of {} bytes is over the limit", request.body().length);
            return WebhookResponse.message(400, "Request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        String signature = request.header(XeroSignatureVerifier.SIGNATURE_HEADER).orElse(null);
        if (!verifier.isValid(request.body(), signature)) {
            metrics.increment("xero.signature.invalid");
            LOG.warn("Xero webhook rejected: signature {}", signature == null ? "missing" : "does not match");
            return WebhookResponse.empty(401);
        }

        XeroWebhookPayload payload;
        try {
            payload = parser.parse(request.body());
        } catch (MalformedWebhookException e) {
            // The signature is valid, so Xero sent it. A 400 makes Xero stop retrying a body that cannot be read.
            metrics.increment("xero.webhook.malformed");
            LOG.warn("Xero webhook is signed but malformed: {}", e.getMessage());
            return WebhookResponse.message(400, e.getMessage());
        }

        List<QueuePublisher.Outgoing> messages = new ArrayList<>();
        int ignored = 0;
        for (XeroWebhookEvent event : payload.events()) {
            if (!event.isInvoiceEvent() || !tenantId.equals(event.tenantId())) {
                ignored++;
                continue;
            }
            String eventDate = event.eventDateUtc() == null ? "" : event.eventDateUtc().toString();
            messages.add(new QueuePublisher.Outgoing(new PaymentEventMessage(event.tenantId(), event.resourceId(), eventDate),
                    Map.of("invoiceId", event.resourceId())));
        }
        queue.sendAll(paymentEventsQueueUrl, messages);
        LOG.info("Xero delivery: {} events, {} invoice events enqueued, {} ignored", payload.events().size(), messages.size(), ignored);
        return WebhookResponse.empty(200);
    }
}
