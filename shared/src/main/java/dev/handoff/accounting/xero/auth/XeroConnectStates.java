package dev.handoff.accounting.xero.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * One-time {@code state} values of the deployed connect route, kept in the ledger table, so a callback is
 * accepted only if this deployment started the flow (a defence against login CSRF). Each state is valid for
 * ten minutes and can be used once.
 */
public class XeroConnectStates {

    static final Duration VALIDITY = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public XeroConnectStates(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /** Creates and stores a new random state. */
    public String issue(Instant now) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant validUntil = now.plus(VALIDITY);
        dynamoDb.putItem(request -> request.tableName(tableName).item(Map.of(
                "pk", AttributeValue.fromS("XERO_CONNECT_STATE#" + state),
                "sk", AttributeValue.fromS("STATE"),
                "validUntil", AttributeValue.fromN(Long.toString(validUntil.toEpochMilli())),
                "expiresAt", AttributeValue.fromN(Long.toString(validUntil.plus(Duration.ofDays(1)).getEpochSecond()))))
                .conditionExpression("attribute_not_exists(pk)"));
        return state;
    }

    /** Deletes {@code state} and returns true if it was issued here, unused and unexpired. */
    public boolean consume(String state, Instant now) {
        if (state == null || state.isBlank() || state.length() > 64) {
            return false;
        }
        try {
            dynamoDb.deleteItem(request -> request.tableName(tableName)
                    .key(Map.of("pk", AttributeValue.fromS("XERO_CONNECT_STATE#" + state), "sk", AttributeValue.fromS("STATE")))
                    .conditionExpression("attribute_exists(pk) AND validUntil > :now")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.toEpochMilli())))));
            return true;
        } catch (ConditionalCheckFailedException unknownOrExpired) {
            return false;
        }
    }
}
