package dev.handoff.ledger;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The sync ledger: one DynamoDB table holding webhook deliveries, handoffs and their timelines, customer
 * links and the invoice index. Every state change is a conditional write on the expected state and version.
 * The item layout and access patterns are described in docs/ledger.md.
 */
public class Ledger {

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public Ledger(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /**
     * Records a webhook delivery by its event key (for HubSpot {@code portalId:eventId}) with
     * {@code attribute_not_exists}, so a repeated delivery is recognised. The record expires after {@code ttl}.
     */
    public DeliveryOutcome recordDelivery(String source, String eventKey, HandoffKey handoff, Instant now, Duration ttl) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Marks a recorded delivery as enqueued, so later repeats are no-ops. */
    public void markDeliveryEnqueued(String source, String eventKey, Instant now) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Creates the handoff in state RECEIVED if it does not exist yet, and returns the stored handoff either way.
     */
    public Handoff openHandoff(HandoffKey key, String tenantId, String eventId, Instant now) {
        throw new UnsupportedOperationException("TODO");
    }

    public Optional<Handoff> find(HandoffKey key) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Moves the handoff from its current state and version to {@code next}, applying {@code change}.
     *
     * @throws IllegalStateException if {@code current.state()} may not move to {@code next}
     * @throws StaleHandoffException if the stored state or version differs from {@code current}
     */
    public Handoff transition(Handoff current, HandoffState next, HandoffChange change, Instant now) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Applies {@code change} without changing the state, guarded by state and version like a transition. */
    public Handoff update(Handoff current, HandoffChange change, Instant now) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Appends a step to the handoff's timeline. */
    public void appendEvent(HandoffKey key, String step, String outcome, String detail, Instant now) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Returns the timeline, oldest first. */
    public List<TimelineEvent> timeline(HandoffKey key) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Returns the accounting contact id linked to a CRM company, if any. */
    public Optional<String> findCustomerLink(String crm, String accountId, String companyId, String tenantId) {
        throw new UnsupportedOperationException("TODO");
    }

    public void putCustomerLink(String crm, String accountId, String companyId, String tenantId, String contactId, Instant now) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Indexes an accounting invoice id to its handoff, for payment callbacks. */
    public void putInvoiceIndex(String tenantId, String invoiceId, HandoffKey key, Instant now) {
        throw new UnsupportedOperationException("TODO");
    }

    public Optional<HandoffKey> findHandoffByInvoice(String tenantId, String invoiceId) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Lists handoffs in the given state, newest first, through the state index. */
    public List<Handoff> listByState(HandoffState state) {
        throw new UnsupportedOperationException("TODO");
    }

    String tableName() {
        return tableName;
    }

    DynamoDbClient dynamoDb() {
        return dynamoDb;
    }
}
