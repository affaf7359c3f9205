package dev.handoff.service;

import dev.handoff.config.WonStages;
import dev.handoff.crm.hubspot.HubSpotSignatureVerifier;
import dev.handoff.crm.hubspot.HubSpotWebhookEvent;
import dev.handoff.crm.hubspot.HubSpotWebhookParser;
import dev.handoff.crm.hubspot.MalformedWebhookException;
import dev.handoff.crm.hubspot.SignatureCheck;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.DeliveryOutcome;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.message.DealWonMessage;
import dev.handoff.message.QueuePublisher;
import dev.handoff.observability.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a HubSpot webhook delivery of up to {@value HubSpotWebhookParser#MAX_EVENTS} events: verifies its
 * signature, records each event in the ledger, and enqueues one message per won deal. Changes to deals whose
 * invoice was requested (finance-relevant properties, deletion, line item or company associations, merges) are
 * enqueued as change messages, which the customer-upsert function checks against the invoice; see
 * {@link HubSpotDealEvents}. Company merges re-point the ledger's customer links to the surviving company. It does
 * no CRM or accounting work, so it responds well inside HubSpot's timeout and HubSpot has no reason to re-send.
 *
 * <p>Answers: 401 for a bad signature or stale timestamp, 400 for a body that is not a valid delivery,
 * 200 otherwise (also for repeats, which are no-ops). A failure to reach the ledger or SQS is a 500, so
 * HubSpot retries the delivery. The ledger records which events were enqueued, so a retry enqueues only
 * what is missing.
 */
public final class DealWonIntakeService {

    private static final Logger LOG = LoggerFactory.getLogger(DealWonIntakeService.class);

    /** Metric counting deliveries of an event whose message was already enqueued, which HubSpot sent again. */
    public static final String DUPLICATE_DELIVERY_METRIC = "hubspot.webhook.duplicate_delivery";

    /** How long delivery records are kept for recognising repeats; HubSpot retries for about a day. */
    static final Duration DELIVERY_TTL = Duration.ofDays(7);

    private final HubSpotSignatureVerifier verifier;
    private final HubSpotWebhookParser parser = new HubSpotWebhookParser();
    private final Ledger ledger;
    private final QueuePublisher queue;
    private final WonStages wonStages;
    private final String tenantId;
    private final String portalId;
    private final String dealWonQueueUrl;
    private final Metrics metrics;
    private final Clock clock;
    private final CustomerLinkMerger customerLinks;

    public DealWonIntakeService(HubSpotSignatureVerifier verifier, Ledger ledger, QueuePublisher queue, WonStages wonStages,
            String tenantId, String portalId, String dealWonQueueUrl, Metrics metrics, Clock clock) {
        this.verifier = verifier;
        this.ledger = ledger;
        this.queue = queue;
        this.wonStages = wonStages;
        this.tenantId = tenantId;
        this.portalId = portalId;
        this.dealWonQueueUrl = dealWonQueueUrl;
        this.metrics = metrics;
        this.clock = clock;
        this.customerLinks = new CustomerLinkMerger(ledger, tenantId, portalId);
    }

    public WebhookResponse handle(WebhookRequest request) {
        if (request.body().length > HubSpotWebhookParser.MAX_BODY_BYTES) {
            metrics.increment("hubspot.webhook.malformed");
            LOG.warn("HubSpot webhook rejected: body of {} bytes is over the limit", request.body().length);
            return WebhookResponse.message(400, "Request body is larger than " + HubSpotWebhookParser.MAX_BODY_BYTES + " bytes");
        }
        SignatureCheck check = verifier.verify(request.method(), request.publicUri(), request.headers(), request.body());
        if (!check.isValid()) {
            metrics.increment("hubspot.signature.invalid");
            LOG.warn("HubSpot webhook rejected: {}", check.message());
            return WebhookResponse.message(401, "Invalid signature: " + check.message());
        }

        List<HubSpotWebhookEvent> events;
        try {
            events = parser.parse(request.body());
        } catch (MalformedWebhookException e) {
            metrics.increment("hubspot.webhook.malformed");
            LOG.warn("HubSpot webhook rejected as malformed: {}", e.getMessage());
            return WebhookResponse.message(400, e.getMessage());
        }

        Map<HandoffKey, HubSpotWebhookEvent> wonByDeal = new LinkedHashMap<>();
        List<HubSpotWebhookEvent> dealChanges = new ArrayList<>();
        List<HubSpotWebhookEvent> companyMerges = new ArrayList<>();
        Batch batch = new Batch();
        for (HubSpotWebhookEvent event : events) {
            if (!portalId.equals(Long.toString(event.portalId()))) {
                LOG.warn("HubSpot event {} is for portal {}, not this deployment's; ignored", event.eventId(), event.portalId());
                batch.ignored++;
            } else if (isMoveIntoWonStage(event)) {
                wonByDeal.putIfAbsent(HandoffKey.hubspot(Long.toString(event.portalId()), Long.toString(event.objectId())), event);
            } else if (HubSpotDealEvents.isDealChange(event)) {
                dealChanges.add(event);
            } else if (HubSpotDealEvents.isCompanyMerge(event)) {
                companyMerges.add(event);
            } else {
                batch.ignored++;
            }
        }

        Instant now = Instant.now(clock);
        addWonDeals(wonByDeal, now, batch);
        int wonMessages = batch.messages.size();
        addDealChanges(dealChanges, now, batch);
        for (HubSpotWebhookEvent event : companyMerges) {
            customerLinks.repointAfterCompanyMerge(event, now);
        }

        queue.sendAll(dealWonQueueUrl, batch.messages);
        for (String deliveryKey : batch.toConfirm) {
            ledger.markDeliveryEnqueued("hubspot", deliveryKey, now);
        }
        int changeMessages = batch.messages.size() - wonMessages;
        metrics.add("hubspot.deals.accepted", wonMessages);
        metrics.add("hubspot.deal_changes.accepted", changeMessages);
        LOG.info("HubSpot delivery: {} events, {} deals enqueued, {} changes enqueued, {} company merges, {} repeats",
                events.size(), wonMessages, changeMessages, companyMerges.size(), batch.duplicates);
        return WebhookResponse.message(200, "Accepted " + wonMessages + " deal(s) and " + changeMessages
                + " change(s) to handed-off deals; " + batch.duplicates + " repeat(s); " + companyMerges.size()
                + " company merge(s); " + batch.ignored + " event(s) needing no work");
    }

    /** Records each won event and adds a message for each deal whose handoff needs work. */
    private void addWonDeals(Map<HandoffKey, HubSpotWebhookEvent> wonByDeal, Instant now, Batch batch) {
        for (Map.Entry<HandoffKey, HubSpotWebhookEvent> entry : wonByDeal.entrySet()) {
            HandoffKey key = entry.getKey();
            HubSpotWebhookEvent event = entry.getValue();
            DeliveryOutcome outcome = ledger.recordDelivery("hubspot", event.deliveryKey(), key, now, DELIVERY_TTL);
            if (outcome == DeliveryOutcome.DUPLICATE_ENQUEUED) {
                batch.duplicates++;
                metrics.increment(DUPLICATE_DELIVERY_METRIC);
                LOG.info("duplicate_delivery {} for handoff {}", event.deliveryKey(), key);
                continue;
            }
            Handoff handoff = ledger.openHandoff(key, tenantId, event.deliveryKey(), now);
            batch.toConfirm.add(event.deliveryKey());
            if (needsWork(handoff)) {
                batch.messages.add(new QueuePublisher.Outgoing(new DealWonMessage(key.value(), event.deliveryKey(), event.occurredAt()),
                        Map.of("eventKey", event.deliveryKey(), "handoffKey", key.value())));
            } else {
                batch.duplicates++;
                LOG.info("Handoff {} is already at {}; won event {} needs no work", key, handoff.state(), event.deliveryKey());
            }
        }
    }

    /** Records each change to a deal whose invoice was requested, and adds a change message for it. */
    private void addDealChanges(List<HubSpotWebhookEvent> dealChanges, Instant now, Batch batch) {
        for (HubSpotWebhookEvent event : dealChanges) {
            for (HubSpotDealEvents.AffectedDeal affected : HubSpotDealEvents.affectedDeals(event)) {
                HandoffKey key = HandoffKey.hubspot(portalId, affected.dealId());
                if (ledger.find(key).filter(handoff -> handoff.invoiceIdempotencyKey() != null).isEmpty()) {
                    // Before the invoice step nothing needs review, because that step reads the deal as it is then.
                    batch.ignored++;
                    continue;
                }
                String deliveryKey = affected.deliveryKey(event);
                if (ledger.recordDelivery("hubspot", deliveryKey, key, now, DELIVERY_TTL) == DeliveryOutcome.DUPLICATE_ENQUEUED) {
                    batch.duplicates++;
                    metrics.increment(DUPLICATE_DELIVERY_METRIC);
                    LOG.info("duplicate_delivery {} for handoff {}", deliveryKey, key);
                    continue;
                }
                batch.toConfirm.add(deliveryKey);
                batch.messages.add(new QueuePublisher.Outgoing(
                        new DealWonMessage(key.value(), deliveryKey, event.occurredAt(), affected.change()),
                        Map.of("eventKey", deliveryKey, "handoffKey", key.value())));
            }
        }
    }

    private boolean isMoveIntoWonStage(HubSpotWebhookEvent event) {
        return "deal.propertyChange".equals(event.subscriptionType())
                && "dealstage".equals(event.propertyName())
                && wonStages.isWonStageInAnyPipeline(event.propertyValue());
    }

    /** Returns whether the handoff is new, or blocked and moved to won again after sales fixed it. */
    private static boolean needsWork(Handoff handoff) {
        return handoff.state() == HandoffState.RECEIVED || handoff.state() == HandoffState.BLOCKED;
    }

    /** Messages and counts collected from one delivery before anything is sent. */
    private static final class Batch {
        private final List<QueuePublisher.Outgoing> messages = new ArrayList<>();
        /** Delivery keys to mark enqueued once the messages are sent. */
        private final List<String> toConfirm = new ArrayList<>();
        private int duplicates;
        private int ignored;
    }
}
