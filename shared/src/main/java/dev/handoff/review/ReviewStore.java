package dev.handoff.review;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Review items in the ledger table. Each item sits in its handoff's partition ({@code pk = HANDOFF#<key>},
 * {@code sk = REVIEW#<n>}), so a handoff's reviews are one query, and in the state index under
 * {@code gsi1pk = REVIEW#<status>}, {@code gsi1sk = <createdAt>#<id>}, so reviews are listed by status, oldest
 * first, and by age with a key condition. docs/ledger.md describes the item.
 */
public class ReviewStore {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final String REVIEW_SK_PREFIX = "REVIEW#";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public ReviewStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /**
     * Stores a new item with {@code attribute_not_exists(sk)}, and returns the stored item: the new one, or the
     * one stored earlier under the same id by a redelivered message.
     */
    public ReviewItem create(ReviewItem item) {
        try {
            dynamoDb.putItem(PutItemRequest.builder()
                    .tableName(tableName)
                    .item(toItem(item))
                    .conditionExpression("attribute_not_exists(sk)")
                    .build());
            return item;
        } catch (ConditionalCheckFailedException exists) {
            return find(item.id()).orElseThrow(() -> new IllegalStateException(
                    "Review " + item.id() + " existed at the conditional write but was not found on the re-read"));
        }
    }

    /** Reads one item with a strongly consistent read. */
    public Optional<ReviewItem> find(String id) {
        HandoffKey key = ReviewItem.handoffKeyOf(id);
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder()
                .tableName(tableName)
                .key(primaryKey(key, id))
                .consistentRead(true)
                .build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** Returns every review of one handoff, oldest first, with a strongly consistent query. */
    public List<ReviewItem> forHandoff(HandoffKey key) {
        QueryRequest query = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS(handoffPk(key)),
                        ":prefix", AttributeValue.fromS(REVIEW_SK_PREFIX)))
                .consistentRead(true)
                .build();
        return dynamoDb.queryPaginator(query).items().stream()
                .map(ReviewStore::fromItem)
                .sorted((a, b) -> a.createdAt().compareTo(b.createdAt()))
                .toList();
    }

    /**
     * Lists items in one status, oldest first, through the state index. {@code type}, when present, keeps only
     * that type. {@code createdBefore}, when present, keeps only items created before that instant, which is how
     * callers ask for items older than an age. The index is eventually consistent.
     */
    public List<ReviewItem> list(ReviewStatus status, Optional<ReviewType> type, Optional<Instant> createdBefore) {
        Map<String, String> names = new HashMap<>(Map.of("#gsi1pk", "gsi1pk"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":status", AttributeValue.fromS(statusPartition(status))));
        String keyCondition = "#gsi1pk = :status";
        if (createdBefore.isPresent()) {
            keyCondition += " AND #gsi1sk < :before";
            names.put("#gsi1sk", "gsi1sk");
            values.put(":before", AttributeValue.fromS(TIMESTAMP.format(createdBefore.get())));
        }
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(tableName)
                .indexName("gsi1")
                .keyConditionExpression(keyCondition)
                .scanIndexForward(true);
        if (type.isPresent()) {
            query.filterExpression("#type = :type");
            names.put("#type", "reviewType");
            values.put(":type", AttributeValue.fromS(type.get().name()));
        }
        query.expressionAttributeNames(names).expressionAttributeValues(values);
        return dynamoDb.queryPaginator(query.build()).items().stream().map(ReviewStore::fromItem).toList();
    }

    /**
     * Records a decision on a pending item, guarded by {@code #status = PENDING}, and returns the decided item.
     *
     * @throws ReviewAlreadyDecidedException if the item was decided before
     */
    public ReviewItem decide(ReviewItem item, ReviewStatus decision, String decidedBy, String decisionReason, Instant now) {
        if (decision == ReviewStatus.PENDING) {
            throw new IllegalArgumentException("A decision is APPROVED or REJECTED, not PENDING");
        }
        String decidedAt = TIMESTAMP.format(now);
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(primaryKey(item.handoffKey(), item.id()))
                    .conditionExpression("#status = :pending")
                    .updateExpression("SET #status = :decision, gsi1pk = :partition, decidedBy = :by, decidedAt = :at,"
                            + " decisionReason = :why")
                    .expressionAttributeNames(Map.of("#status", "reviewStatus"))
                    .expressionAttributeValues(Map.of(
                            ":pending", AttributeValue.fromS(ReviewStatus.PENDING.name()),
                            ":decision", AttributeValue.fromS(decision.name()),
                            ":partition", AttributeValue.fromS(statusPartition(decision)),
                            ":by", AttributeValue.fromS(decidedBy),
                            ":at", AttributeValue.fromS(decidedAt),
                            ":why", AttributeValue.fromS(decisionReason)))
                    .build());
        } catch (ConditionalCheckFailedException decided) {
            throw new ReviewAlreadyDecidedException(item.id(), decided);
        }
        return find(item.id()).orElseThrow(() -> new IllegalStateException("Review " + item.id() + " vanished after its decision"));
    }

    private static Map<String, AttributeValue> toItem(ReviewItem review) {
        Map<String, AttributeValue> item = new HashMap<>(primaryKey(review.handoffKey(), review.id()));
        item.put("reviewId", AttributeValue.fromS(review.id()));
        item.put("handoffKey", AttributeValue.fromS(review.handoffKey().value()));
        item.put("reviewType", AttributeValue.fromS(review.type().name()));
        item.put("reviewStatus", AttributeValue.fromS(review.status().name()));
        item.put("reason", AttributeValue.fromS(review.reason()));
        item.put("createdAt", AttributeValue.fromS(TIMESTAMP.format(review.createdAt())));
        item.put("gsi1pk", AttributeValue.fromS(statusPartition(review.status())));
        item.put("gsi1sk", AttributeValue.fromS(TIMESTAMP.format(review.createdAt()) + "#" + review.id()));
        if (!review.fields().isEmpty()) {
            item.put("fields", AttributeValue.fromL(review.fields().stream().map(AttributeValue::fromS).toList()));
        }
        if (!review.facts().isEmpty()) {
            item.put("facts", AttributeValue.fromM(review.facts().entrySet().stream()
                    .filter(fact -> fact.getValue() != null && !fact.getValue().isBlank())
                    .collect(Collectors.toMap(Map.Entry::getKey, fact -> AttributeValue.fromS(fact.getValue())))));
        }
        if (review.resumeState() != null) {
            item.put("resumeState", AttributeValue.fromS(review.resumeState().name()));
        }
        return item;
    }

    private static ReviewItem fromItem(Map<String, AttributeValue> item) {
        return new ReviewItem(
                item.get("reviewId").s(),
                HandoffKey.parse(item.get("handoffKey").s()),
                ReviewType.valueOf(item.get("reviewType").s()),
                ReviewStatus.valueOf(item.get("reviewStatus").s()),
                item.get("reason").s(),
                item.containsKey("fields") ? item.get("fields").l().stream().map(AttributeValue::s).toList() : List.of(),
                item.containsKey("facts") ? item.get("facts").m().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, fact -> fact.getValue().s())) : Map.of(),
                item.containsKey("resumeState") ? HandoffState.valueOf(item.get("resumeState").s()) : null,
                Instant.parse(item.get("createdAt").s()),
                item.containsKey("decidedBy") ? item.get("decidedBy").s() : null,
                item.containsKey("decidedAt") ? Instant.parse(item.get("decidedAt").s()) : null,
                item.containsKey("decisionReason") ? item.get("decisionReason").s() : null);
    }

    private static Map<String, AttributeValue> primaryKey(HandoffKey key, String id) {
        String sequence = id.substring(id.lastIndexOf('/') + 1);
        return Map.of("pk", AttributeValue.fromS(handoffPk(key)), "sk", AttributeValue.fromS(REVIEW_SK_PREFIX + sequence));
    }

    private static String handoffPk(HandoffKey key) {
        return "HANDOFF#" + key.value();
    }

    private static String statusPartition(ReviewStatus status) {
        return "REVIEW#" + status.name();
    }
}
