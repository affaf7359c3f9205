package dev.handoff.ledger;

import static dev.handoff.ledger.Arguments.requireKeyPart;
import static dev.handoff.ledger.Arguments.requirePositive;
import static dev.handoff.ledger.Arguments.requirePresent;
import static dev.handoff.ledger.Arguments.requireText;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The sync ledger: one DynamoDB table holding webhook deliveries, handoffs and their timelines, customer
 * links and the invoice index. Every state change is a conditional write on the expected state and version.
 * The item layout and access patterns are described in docs/ledger.md.
 *
 * <p>The ledger uses no transactions, so it runs on any DynamoDB-compatible engine. A transition and its
 * timeline event are two writes. The STATE item is the truth and the timeline is a record for people, so a
 * failed event write is logged and the transition still succeeds. DynamoDB failures other than a failed
 * condition reach the caller unchanged as {@code SdkException}s.
 *
 * @see <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html">
 *     DynamoDB condition expressions</a>
 */
public class Ledger {

    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

    private static final String HANDOFF_KEY = HandoffItems.HANDOFF_KEY;
    private static final String ENQUEUED = "enqueued";
    private static final String EXPIRES_AT = "expiresAt";
    private static final String STATE_STEP = "state";
    private static final String EVENT_SUFFIX_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int EVENT_SUFFIX_LENGTH = 8;
    private static final int EVENT_WRITE_ATTEMPTS = 3;

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final SecureRandom random = new SecureRandom();

    public Ledger(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = requirePresent(dynamoDb, "dynamoDb");
        this.tableName = requireText(tableName, "tableName");
    }

    /**
     * Records a webhook delivery by its event key (for HubSpot {@code portalId:eventId}) with
     * {@code attribute_not_exists}, so a repeated delivery is recognised. The record expires after {@code ttl}.
     * A record whose {@code expiresAt} has passed counts as absent even before DynamoDB's TTL deletes it,
     * which typically happens within two days of expiry.
     *
     * @param source the webhook sender, for example {@code hubspot}, without {@code #}
     * @return {@link DeliveryOutcome#NEW} when this call stored the record, otherwise whether the earlier
     *     delivery was marked enqueued
     */
    public DeliveryOutcome recordDelivery(String source, String eventKey, HandoffKey handoff, Instant now, Duration ttl) {
        requireKeyPart(source, "source", '#');
        requireText(eventKey, "eventKey");
        requirePresent(handoff, "handoff");
        requirePresent(now, "now");
        requirePositive(ttl, "ttl");

        Map<String, AttributeValue> item = new HashMap<>(LedgerKeys.delivery(source, eventKey));
        item.put(HANDOFF_KEY, AttributeValue.fromS(handoff.value()));
        item.put("receivedAt", AttributeValue.fromS(LedgerKeys.timestamp(now)));
        item.put(ENQUEUED, AttributeValue.fromBool(false));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(now.plus(ttl).getEpochSecond())));
        PutItemRequest put = PutItemRequest.builder()
                .tableName(tableName)
                .item(item)
                .conditionExpression("attribute_not_exists(pk) OR #expiresAt < :now")
                .expressionAttributeNames(Map.of("#expiresAt", EXPIRES_AT))
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
                .build();
        try {
            dynamoDb.putItem(put);
            return DeliveryOutcome.NEW;
        } catch (ConditionalCheckFailedException duplicate) {
            Map<String, AttributeValue> stored = getConsistent(LedgerKeys.delivery(source, eventKey))
                    .orElseThrow(() -> new IllegalStateException("Delivery " + source + " " + eventKey
                            + " existed at the conditional write but was not found on the re-read; record it again"));
            AttributeValue enqueued = stored.get(ENQUEUED);
            return enqueued != null && Boolean.TRUE.equals(enqueued.bool())
                    ? DeliveryOutcome.DUPLICATE_ENQUEUED
                    : DeliveryOutcome.DUPLICATE_NOT_ENQUEUED;
        }
    }

    /**
     * Marks a recorded delivery as enqueued, so later repeats are no-ops. Marking it twice is harmless.
     *
     * @throws IllegalStateException if no delivery is recorded under this source and event key
     */
    public void markDeliveryEnqueued(String source, String eventKey, Instant now) {
        requireKeyPart(source, "source", '#');
        requireText(eventKey, "eventKey");
        requirePresent(now, "now");

        // The condition stops UpdateItem from creating a delivery record without handoffKey or expiresAt.
        UpdateItemRequest update = UpdateItemRequest.builder()
                .tableName(tableName)
                .key(LedgerKeys.delivery(source, eventKey))
                .conditionExpression("attribute_exists(pk)")
                .updateExpression("SET #enqueued = :true, #enqueuedAt = :now")
                .expressionAttributeNames(Map.of("#enqueued", ENQUEUED, "#enqueuedAt", "enqueuedAt"))
                .expressionAttributeValues(Map.of(
                        ":true", AttributeValue.fromBool(true),
                        ":now", AttributeValue.fromS(LedgerKeys.timestamp(now))))
                .build();
        try {
            dynamoDb.updateItem(update);
        } catch (ConditionalCheckFailedException missing) {
            throw new IllegalStateException("No delivery " + source + " " + eventKey
                    + " is recorded; call recordDelivery first", missing);
        }
    }

    /**
     * Creates the handoff in state RECEIVED at version 1 if it does not exist yet, and returns the stored
     * handoff either way. A newly created handoff also gets its first timeline event.
     */
    public Handoff openHandoff(HandoffKey key, String tenantId, String eventId, Instant now) {
        requirePresent(key, "key");
        requireText(tenantId, "tenantId");
        requireText(eventId, "eventId");
        requirePresent(now, "now");

        Handoff opened = new Handoff(key, HandoffState.RECEIVED, 1, tenantId, eventId, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, List.of(), null, now, now);
        PutItemRequest put = PutItemRequest.builder()
                .tableName(tableName)
                .item(HandoffItems.toItem(opened))
                .conditionExpression("attribute_not_exists(pk)")
                .build();
        try {
            dynamoDb.putItem(put);
        } catch (ConditionalCheckFailedException exists) {
            return find(key).orElseThrow(() -> new IllegalStateException(
                    "Handoff " + key + " existed at the conditional write but was not found on the re-read"));
        }

        appendStateEvent(key, HandoffState.RECEIVED, "opened by event " + eventId, now);
        return opened;
    }

    /** Reads the handoff with a strongly consistent read, so a write that just returned is visible. */
    public Optional<Handoff> find(HandoffKey key) {
        requirePresent(key, "key");

        return getConsistent(LedgerKeys.handoff(key)).map(HandoffItems::fromItem);
    }

    /**
     * Moves the handoff from its current state and version to {@code next}, applying {@code change}, and
     * returns the stored result at version {@code current.version() + 1}. Afterwards it appends a timeline
     * event (step {@code state}, outcome {@code next}, detail {@code from <old state>}) in a separate write,
     * whose failure is logged rather than thrown.
     *
     * @throws IllegalStateException if {@code current.state()} may not move to {@code next}. Nothing is written
     *     in that case.
     * @throws StaleHandoffException if the stored state or version differs from {@code current}
     */
    public Handoff transition(Handoff current, HandoffState next, HandoffChange change, Instant now) {
        requirePresent(current, "current");
        requirePresent(next, "next");
        requirePresent(change, "change");
        requirePresent(now, "now");
        if (!current.state().canMoveTo(next)) {
            throw new IllegalStateException("Handoff " + current.key() + " cannot move from " + current.state()
                    + " to " + next);
        }

        Handoff moved = write(current, next, change, now);

        appendStateEvent(current.key(), next, "from " + current.state().name(), now);
        return moved;
    }

    /**
     * Applies {@code change} without changing the state, guarded by state and version like a transition, and
     * returns the stored result at version {@code current.version() + 1}. No timeline event is written.
     *
     * @throws StaleHandoffException if the stored state or version differs from {@code current}
     */
    public Handoff update(Handoff current, HandoffChange change, Instant now) {
        requirePresent(current, "current");
        requirePresent(change, "change");
        requirePresent(now, "now");

        return write(current, current.state(), change, now);
    }

    /**
     * Appends a step to the handoff's timeline. Events sort by {@code now}, and events with the same instant
     * sort in random order. {@code detail} may be null. Like every argument, it contains ids and reasons only.
     */
    public void appendEvent(HandoffKey key, String step, String outcome, String detail, Instant now) {
        requirePresent(key, "key");
        requireText(step, "step");
        requireText(outcome, "outcome");
        requirePresent(now, "now");

        Map<String, AttributeValue> item = new HashMap<>();
        item.put(LedgerKeys.PK, AttributeValue.fromS(LedgerKeys.handoffPk(key)));
        item.put("step", AttributeValue.fromS(step));
        item.put("outcome", AttributeValue.fromS(outcome));
        item.put("at", AttributeValue.fromS(LedgerKeys.timestamp(now)));
        if (detail != null && !detail.isBlank()) {
            item.put("detail", AttributeValue.fromS(detail));
        }

        // The random suffix keeps two events at the same instant apart. The condition turns a suffix
        // collision into a retry with a fresh suffix instead of a silent overwrite.
        for (int attempt = 1; ; attempt++) {
            item.put(LedgerKeys.SK, AttributeValue.fromS(LedgerKeys.eventSk(now, randomSuffix())));
            try {
                dynamoDb.putItem(PutItemRequest.builder()
                        .tableName(tableName)
                        .item(item)
                        .conditionExpression("attribute_not_exists(sk)")
                        .build());
                return;
            } catch (ConditionalCheckFailedException collision) {
                if (attempt == EVENT_WRITE_ATTEMPTS) {
                    throw new IllegalStateException("Timeline event for handoff " + key + " was not written: its sort key collided "
                            + attempt + " times at " + now, collision);
                }
            }
        }
    }

    /** Returns the timeline, oldest first, reading every page with a strongly consistent query. */
    public List<TimelineEvent> timeline(HandoffKey key) {
        requirePresent(key, "key");

        QueryRequest query = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS(LedgerKeys.handoffPk(key)),
                        ":prefix", AttributeValue.fromS(LedgerKeys.EVENT_SK_PREFIX)))
                .scanIndexForward(true)
                .consistentRead(true)
                .build();
        return dynamoDb.queryPaginator(query).items().stream()
                .map(item -> new TimelineEvent(
                        Instant.parse(item.get("at").s()),
                        item.get("step").s(),
                        item.get("outcome").s(),
                        item.containsKey("detail") ? item.get("detail").s() : null))
                .toList();
    }

    /** Returns the accounting contact id linked to a CRM company, if any, with a strongly consistent read. */
    public Optional<String> findCustomerLink(String crm, String accountId, String companyId, String tenantId) {
        Map<String, AttributeValue> key = customerLinkKey(crm, accountId, companyId, tenantId);

        return getConsistent(key).map(item -> item.get("contactId").s());
    }

    /**
     * Links a CRM company to an accounting contact in one tenant. The write is unconditional, so the latest
     * link replaces an earlier one, for example after the contact was merged in the accounting system.
     */
    public void putCustomerLink(String crm, String accountId, String companyId, String tenantId, String contactId, Instant now) {
        Map<String, AttributeValue> key = customerLinkKey(crm, accountId, companyId, tenantId);
        requireText(contactId, "contactId");
        requirePresent(now, "now");

        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put("contactId", AttributeValue.fromS(contactId));
        item.put("linkedAt", AttributeValue.fromS(LedgerKeys.timestamp(now)));
        dynamoDb.putItem(PutItemRequest.builder().tableName(tableName).item(item).build());
    }

    /**
     * Indexes an accounting invoice id to its handoff, for payment callbacks. Indexing the same invoice to the
     * same handoff again is a no-op apart from {@code indexedAt}.
     *
     * @throws IllegalStateException if the invoice is already indexed to a different handoff
     */
    public void putInvoiceIndex(String tenantId, String invoiceId, HandoffKey key, Instant now) {
        requireKeyPart(tenantId, "tenantId", ':');
        requireText(invoiceId, "invoiceId");
        requirePresent(key, "key");
        requirePresent(now, "now");

        Map<String, AttributeValue> item = new HashMap<>(LedgerKeys.invoice(tenantId, invoiceId));
        item.put(HANDOFF_KEY, AttributeValue.fromS(key.value()));
        item.put("indexedAt", AttributeValue.fromS(LedgerKeys.timestamp(now)));
        PutItemRequest put = PutItemRequest.builder()
                .tableName(tableName)
                .item(item)
                .conditionExpression("attribute_not_exists(pk) OR #handoffKey = :handoffKey")
                .expressionAttributeNames(Map.of("#handoffKey", HANDOFF_KEY))
                .expressionAttributeValues(Map.of(":handoffKey", AttributeValue.fromS(key.value())))
                .build();
        try {
            dynamoDb.putItem(put);
        } catch (ConditionalCheckFailedException conflict) {
            String indexedTo = getConsistent(LedgerKeys.invoice(tenantId, invoiceId))
                    .map(stored -> stored.get(HANDOFF_KEY).s())
                    .orElse("another handoff");
            throw new IllegalStateException("Invoice " + invoiceId + " in tenant " + tenantId
                    + " is already indexed to handoff " + indexedTo + ", not " + key, conflict);
        }
    }

    /** Returns the handoff an accounting invoice belongs to, if indexed, with a strongly consistent read. */
    public Optional<HandoffKey> findHandoffByInvoice(String tenantId, String invoiceId) {
        requireKeyPart(tenantId, "tenantId", ':');
        requireText(invoiceId, "invoiceId");

        return getConsistent(LedgerKeys.invoice(tenantId, invoiceId))
                .map(item -> HandoffKey.parse(item.get(HANDOFF_KEY).s()));
    }

    /**
     * Lists handoffs in the given state, newest update first, through the state index {@code gsi1}, reading
     * every page. The index is eventually consistent, so a handoff moved a moment ago may still be listed
     * under its old state. Callers act on the result through {@link #transition}, which re-checks the state.
     */
    public List<Handoff> listByState(HandoffState state) {
        requirePresent(state, "state");

        return queryIndex(dynamoDb, tableName, LedgerKeys.statePartition(state)).stream()
                .map(HandoffItems::fromItem).toList();
    }

    /** Returns every item in one {@code gsi1} partition, newest first, reading every page. */
    static List<Map<String, AttributeValue>> queryIndex(DynamoDbClient dynamoDb, String tableName, String partition) {
        QueryRequest query = QueryRequest.builder()
                .tableName(tableName)
                .indexName(LedgerKeys.GSI1)
                .keyConditionExpression("#gsi1pk = :partition")
                .expressionAttributeNames(Map.of("#gsi1pk", LedgerKeys.GSI1_PK))
                .expressionAttributeValues(Map.of(":partition", AttributeValue.fromS(partition)))
                .scanIndexForward(false)
                .build();
        return dynamoDb.queryPaginator(query).items().stream().toList();
    }

    /** Returns the table name, for stores that keep their own items in the ledger table (review items). */
    public String tableName() {
        return tableName;
    }

    /** Returns the DynamoDB client, for stores that keep their own items in the ledger table (review items). */
    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    private Handoff write(Handoff current, HandoffState next, HandoffChange change, Instant now) {
        UpdateItemRequest update = HandoffUpdate.request(tableName, current, next, change, now);
        try {
            return HandoffItems.fromItem(dynamoDb.updateItem(update).attributes());
        } catch (ConditionalCheckFailedException lost) {
            throw new StaleHandoffException(current.key(), current.state(), current.version(), lost);
        }
    }

    /**
     * Appends the timeline event of a state change that is already stored. A failure is logged, not thrown,
     * because the change did succeed and a retry by the caller would only fail as stale.
     */
    private void appendStateEvent(HandoffKey key, HandoffState state, String detail, Instant now) {
        try {
            appendEvent(key, STATE_STEP, state.name(), detail, now);
        } catch (SdkException | IllegalStateException e) {
            LOG.atWarn()
                    .setCause(e)
                    .addKeyValue("handoffKey", key.value())
                    .addKeyValue("state", state.name())
                    .log("Timeline event for a stored state change was not written");
        }
    }

    private Map<String, AttributeValue> customerLinkKey(String crm, String accountId, String companyId, String tenantId) {
        requireKeyPart(crm, "crm", ':');
        requireKeyPart(accountId, "accountId", ':');
        requireKeyPart(companyId, "companyId", ':');
        requireText(tenantId, "tenantId");
        return LedgerKeys.customerLink(crm, accountId, companyId, tenantId);
    }

    private Optional<Map<String, AttributeValue>> getConsistent(Map<String, AttributeValue> key) {
        GetItemRequest get = GetItemRequest.builder().tableName(tableName).key(key).consistentRead(true).build();
        Map<String, AttributeValue> item = dynamoDb.getItem(get).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private String randomSuffix() {
        StringBuilder suffix = new StringBuilder(EVENT_SUFFIX_LENGTH);
        for (int i = 0; i < EVENT_SUFFIX_LENGTH; i++) {
            suffix.append(EVENT_SUFFIX_ALPHABET.charAt(random.nextInt(EVENT_SUFFIX_ALPHABET.length())));
        }
        return suffix.toString();
    }
}
