package dev.handoff.ratelimit;

import dev.handoff.error.ThrottledException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * A pause on a scope shared by every function instance, set when a remote API reports a spent limit (for
 * example Xero's 429 with {@code X-Rate-Limit-Problem: day}). Until it ends, callers throw
 * {@link ThrottledException} themselves instead of drawing more 429s. The ledger item
 * {@code pk = PAUSE#<scope>} stores the end, and a later pause only ever extends it.
 */
public class ScopePause {

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public ScopePause(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /** Pauses {@code scope} until {@code until}, unless it is already paused for longer. */
    public void pause(String scope, Instant until) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(scope))
                    .updateExpression("SET pausedUntil = :until, expiresAt = :expiresAt")
                    .conditionExpression("attribute_not_exists(pausedUntil) OR pausedUntil < :until")
                    .expressionAttributeValues(Map.of(
                            ":until", AttributeValue.fromN(Long.toString(until.toEpochMilli())),
                            ":expiresAt", AttributeValue.fromN(Long.toString(until.plus(Duration.ofDays(1)).getEpochSecond())))));
        } catch (ConditionalCheckFailedException longerPause) {
            // Another instance already paused the scope for longer, so that pause is kept.
        }
    }

    /**
     * Returns normally if {@code scope} is not paused at {@code now}.
     *
     * @throws ThrottledException with the time left if it is paused
     */
    public void check(String scope, Instant now) {
        GetItemResponse response = dynamoDb.getItem(request -> request.tableName(tableName).key(key(scope)));
        AttributeValue until = response.hasItem() ? response.item().get("pausedUntil") : null;
        if (until == null) {
            return;
        }
        Instant end = Instant.ofEpochMilli(Long.parseLong(until.n()));
        if (end.isAfter(now)) {
            throw new ThrottledException(scope + " is paused until " + end + " after the remote API reported a spent limit",
                    Duration.between(now, end));
        }
    }

    private static Map<String, AttributeValue> key(String scope) {
        return Map.of("pk", AttributeValue.fromS("PAUSE#" + scope), "sk", AttributeValue.fromS("PAUSE"));
    }
}
