package dev.handoff.ratelimit;

import dev.handoff.error.ThrottledException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A request budget shared by every function instance, kept in the ledger table: a counter per scope and fixed
 * time window, raised with a conditional update so concurrent instances never spend more than the limit
 * together. Scopes name what the remote API limits, for example {@code xero:tenant:<id>:minute}.
 *
 * <p>Fixed windows allow up to twice the limit across a window boundary; callers that must stay strictly
 * under a remote limit pass a slightly lower limit or a shorter window. Counters expire through the table's
 * TTL attribute a day after their window ends.
 */
public class RequestBudget {

    private static final Duration KEEP_AFTER_WINDOW = Duration.ofDays(1);

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public RequestBudget(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /**
     * Spends one request from {@code scope}'s budget for the window holding {@code now}.
     *
     * @throws ThrottledException when the window's budget is spent; its delay runs to the window's end
     */
    public void spend(String scope, int limit, Duration window, Instant now) {
        if (limit < 1 || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a budget needs a positive limit and window");
        }
        long windowMillis = window.toMillis();
        long windowStart = Math.floorDiv(now.toEpochMilli(), windowMillis) * windowMillis;
        Instant windowEnd = Instant.ofEpochMilli(windowStart + windowMillis);
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(Map.of(
                            "pk", AttributeValue.fromS("BUDGET#" + scope),
                            "sk", AttributeValue.fromS("WINDOW#" + windowStart)))
                    .updateExpression("ADD #used :one SET #expiresAt = :expiresAt")
                    .conditionExpression("attribute_not_exists(#used) OR #used < :limit")
                    .expressionAttributeNames(Map.of("#used", "used", "#expiresAt", "expiresAt"))
                    .expressionAttributeValues(Map.of(
                            ":one", AttributeValue.fromN("1"),
                            ":limit", AttributeValue.fromN(Integer.toString(limit)),
                            ":expiresAt", AttributeValue.fromN(Long.toString(
                                    windowEnd.plus(KEEP_AFTER_WINDOW).getEpochSecond()))))
                    .build());
        } catch (ConditionalCheckFailedException spent) {
            Duration wait = Duration.between(now, windowEnd);
            throw new ThrottledException("request budget " + scope + " is spent until " + windowEnd, wait);
        }
    }
}
