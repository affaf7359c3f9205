package dev.handoff.ledger;

import static dev.handoff.ledger.Arguments.requirePresent;
import static dev.handoff.ledger.Arguments.requireText;

import dev.handoff.error.FailureClass;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * The ledger items that operations need besides handoffs: why a message failed, which scopes are parked, and
 * what operators did. They live in the ledger table next to the handoffs and use the same {@code gsi1} index to
 * be listed. docs/ledger.md describes their layout.
 */
public class OperationsLog {

    static final String MESSAGE_FAILURES = "MESSAGE_FAILURE";
    static final String PARKED = "PARKED";
    static final String OPS = "OPS";
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final SecureRandom random = new SecureRandom();

    public OperationsLog(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = requirePresent(dynamoDb, "dynamoDb");
        this.tableName = requireText(tableName, "tableName");
    }

    public OperationsLog(Ledger ledger) {
        this(ledger.dynamoDb(), ledger.tableName());
    }

    /** Stores why a message failed, replacing an earlier reason for the same message id. */
    public void recordMessageFailure(MessageFailure failure) {
        requirePresent(failure, "failure");
        requireText(failure.messageId(), "messageId");

        String at = LedgerKeys.timestamp(failure.at());
        Map<String, AttributeValue> item = new HashMap<>(key("MESSAGE#" + failure.messageId(), "FAILURE"));
        item.put("messageId", s(failure.messageId()));
        item.put("queue", s(failure.queue()));
        item.put("failureClass", s(failure.failureClass().name()));
        item.put("reason", s(failure.reason()));
        item.put("attempt", AttributeValue.fromN(Integer.toString(failure.attempt())));
        item.put("at", s(at));
        if (failure.handoffKey() != null) {
            item.put("handoffKey", s(failure.handoffKey()));
        }
        item.put(LedgerKeys.GSI1_PK, s(MESSAGE_FAILURES));
        item.put(LedgerKeys.GSI1_SK, s(at + "#" + failure.messageId()));
        put(item);
    }

    public Optional<MessageFailure> findMessageFailure(String messageId) {
        requireText(messageId, "messageId");
        return get(key("MESSAGE#" + messageId, "FAILURE")).map(OperationsLog::messageFailure);
    }

    /** Lists every stored message failure, newest first. */
    public List<MessageFailure> listMessageFailures() {
        return queryIndex(MESSAGE_FAILURES).stream().map(OperationsLog::messageFailure).toList();
    }

    /** Parks a scope. Parking it again keeps the first {@code parkedAt} and replaces the reason. */
    public void park(String scope, String reason, Instant now) {
        requireText(scope, "scope");
        requireText(reason, "reason");
        requirePresent(now, "now");

        Instant since = findPark(scope).map(TenantPark::parkedAt).orElse(now);
        Map<String, AttributeValue> item = new HashMap<>(key("PARK#" + scope, "PARK"));
        item.put("scope", s(scope));
        item.put("reason", s(reason));
        item.put("parkedAt", s(LedgerKeys.timestamp(since)));
        item.put(LedgerKeys.GSI1_PK, s(PARKED));
        item.put(LedgerKeys.GSI1_SK, s(scope));
        put(item);
    }

    /** Removes the park of a scope and returns whether it was parked. */
    public boolean unpark(String scope) {
        requireText(scope, "scope");
        var deleted = dynamoDb.deleteItem(request -> request.tableName(tableName).key(key("PARK#" + scope, "PARK"))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD));
        return deleted.hasAttributes() && !deleted.attributes().isEmpty();
    }

    /** Reads the park of a scope with a strongly consistent read. */
    public Optional<TenantPark> findPark(String scope) {
        requireText(scope, "scope");
        return get(key("PARK#" + scope, "PARK")).map(OperationsLog::park);
    }

    public List<TenantPark> listParks() {
        return queryIndex(PARKED).stream().map(OperationsLog::park).toList();
    }

    /** Records an operator action. {@code target} and {@code outcome} contain ids and counts only. */
    public void recordOpsAction(OpsAction action) {
        requirePresent(action, "action");
        requireText(action.action(), "action");

        String at = LedgerKeys.timestamp(action.at());
        String sortKey = at + "#" + randomSuffix();
        Map<String, AttributeValue> item = new HashMap<>(key("OPS#" + at.substring(0, 10), sortKey));
        item.put("action", s(action.action()));
        item.put("target", s(blankToDash(action.target())));
        item.put("outcome", s(blankToDash(action.outcome())));
        item.put("actor", s(blankToDash(action.actor())));
        item.put("at", s(at));
        item.put(LedgerKeys.GSI1_PK, s(OPS));
        item.put(LedgerKeys.GSI1_SK, s(sortKey));
        put(item);
    }

    /** Lists every recorded operator action, newest first. */
    public List<OpsAction> listOpsActions() {
        return queryIndex(OPS).stream()
                .map(item -> new OpsAction(Instant.parse(item.get("at").s()), item.get("action").s(),
                        item.get("target").s(), item.get("outcome").s(), item.get("actor").s()))
                .toList();
    }

    /**
     * Returns every delivery item as {@code handoffKey -> enqueued}. It scans the whole table, so it is for
     * the ops invariant check only, never for a function.
     */
    public List<Map.Entry<String, Boolean>> scanDeliveries() {
        return dynamoDb.scanPaginator(request -> request.tableName(tableName)
                        .filterExpression("#sk = :delivery")
                        .expressionAttributeNames(Map.of("#sk", LedgerKeys.SK))
                        .expressionAttributeValues(Map.of(":delivery", s(LedgerKeys.DELIVERY_SK))))
                .items().stream()
                .map(item -> Map.entry(item.get(HandoffItems.HANDOFF_KEY).s(),
                        item.containsKey("enqueued") && Boolean.TRUE.equals(item.get("enqueued").bool())))
                .toList();
    }

    private static MessageFailure messageFailure(Map<String, AttributeValue> item) {
        return new MessageFailure(item.get("messageId").s(), item.get("queue").s(),
                FailureClass.valueOf(item.get("failureClass").s()), item.get("reason").s(),
                item.containsKey("handoffKey") ? item.get("handoffKey").s() : null,
                Integer.parseInt(item.get("attempt").n()), Instant.parse(item.get("at").s()));
    }

    private static TenantPark park(Map<String, AttributeValue> item) {
        return new TenantPark(item.get("scope").s(), item.get("reason").s(), Instant.parse(item.get("parkedAt").s()));
    }

    private List<Map<String, AttributeValue>> queryIndex(String partition) {
        return Ledger.queryIndex(dynamoDb, tableName, partition);
    }

    private void put(Map<String, AttributeValue> item) {
        dynamoDb.putItem(PutItemRequest.builder().tableName(tableName).item(item).build());
    }

    private Optional<Map<String, AttributeValue>> get(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(tableName).key(key)
                .consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(LedgerKeys.PK, s(pk), LedgerKeys.SK, s(sk));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static String blankToDash(String value) {
        return value == null || value.isBlank() ? "-" : value;
    }

    private String randomSuffix() {
        StringBuilder suffix = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return suffix.toString();
    }
}
