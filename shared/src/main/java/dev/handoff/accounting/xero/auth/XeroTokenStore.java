package dev.handoff.accounting.xero.auth;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Xero tokens per tenant in the ledger table, one item with {@code pk = XERO_TOKENS#<tenantId>} and
 * {@code sk = TOKENS}. Every write after the first is conditional on the version read before it, so of two
 * instances that try to rotate the same refresh token only one succeeds.
 *
 * <p>The item contains live credentials. The table is encrypted at rest, and nothing here logs a token.
 */
public class XeroTokenStore {

    private static final String SORT_KEY = "TOKENS";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public XeroTokenStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /** Reads the tenant's record with a strongly consistent read, so a waiting instance reads a rotation at once. */
    public Optional<StoredXeroTokens> find(String tenantId) {
        GetItemResponse response = dynamoDb.getItem(request -> request.tableName(tableName).key(key(tenantId))
                .consistentRead(true));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(fromItem(tenantId, response.item()));
    }

    /**
     * Stores tokens for a tenant that has no record yet, for example from the deployment's secret.
     *
     * @return false if a record already exists, because the stored one is newer than any seed
     */
    public boolean seed(String tenantId, XeroTokens tokens, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId));
        item.putAll(tokenAttributes(tokens, XeroConnectionStatus.CONNECTED, 1, now));
        try {
            dynamoDb.putItem(request -> request.tableName(tableName).item(item)
                    .conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /**
     * Stores tokens from a completed connect flow, replacing whatever was stored and clearing REAUTH_REQUIRED.
     * The version still rises, so a refresher holding the old record cannot overwrite the new tokens.
     */
    public StoredXeroTokens connect(String tenantId, XeroTokens tokens, Instant now) {
        long version = find(tenantId).map(StoredXeroTokens::version).orElse(0L) + 1;
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId));
        item.putAll(tokenAttributes(tokens, XeroConnectionStatus.CONNECTED, version, now));
        dynamoDb.putItem(request -> request.tableName(tableName).item(item));
        return new StoredXeroTokens(tenantId, tokens, XeroConnectionStatus.CONNECTED, version, now, null, null);
    }

    /**
     * Takes the refresh lease on the record read as {@code current}, if no one changed it since and no other
     * lease is running.
     *
     * @return the leased record, or empty if another instance changed the record or holds the lease
     */
    public Optional<StoredXeroTokens> claimRefresh(StoredXeroTokens current, String owner, Instant leaseUntil, Instant now) {
        long next = current.version() + 1;
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(current.tenantId()))
                    .updateExpression("SET #version = :next, #leaseOwner = :owner, #leaseUntil = :until")
                    .conditionExpression("#version = :expected AND #status = :connected"
                            + " AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)")
                    .expressionAttributeNames(Map.of("#version", "version", "#leaseOwner", "refreshLeaseOwner",
                            "#leaseUntil", "refreshLeaseUntil", "#status", "connectionStatus"))
                    .expressionAttributeValues(Map.of(
                            ":next", number(next),
                            ":expected", number(current.version()),
                            ":owner", AttributeValue.fromS(owner),
                            ":until", number(leaseUntil.toEpochMilli()),
                            ":now", number(now.toEpochMilli()),
                            ":connected", AttributeValue.fromS(XeroConnectionStatus.CONNECTED.name()))));
        } catch (ConditionalCheckFailedException lost) {
            return Optional.empty();
        }
        return Optional.of(new StoredXeroTokens(current.tenantId(), current.tokens(), current.status(), next,
                current.refreshedAt(), owner, leaseUntil));
    }

    /**
     * Stores rotated tokens and releases the lease, if {@code leased} is still the current record.
     *
     * @return the new record, or empty if the lease was lost (it expired and another instance took it)
     */
    public Optional<StoredXeroTokens> saveRefreshed(StoredXeroTokens leased, XeroTokens tokens, Instant now) {
        long next = leased.version() + 1;
        Map<String, AttributeValue> item = new HashMap<>(key(leased.tenantId()));
        item.putAll(tokenAttributes(tokens, XeroConnectionStatus.CONNECTED, next, now));
        try {
            dynamoDb.putItem(request -> request.tableName(tableName).item(item)
                    .conditionExpression("#version = :expected AND #leaseOwner = :owner")
                    .expressionAttributeNames(Map.of("#version", "version", "#leaseOwner", "refreshLeaseOwner"))
                    .expressionAttributeValues(Map.of(
                            ":expected", number(leased.version()),
                            ":owner", AttributeValue.fromS(leased.refreshLeaseOwner()))));
        } catch (ConditionalCheckFailedException lost) {
            return Optional.empty();
        }
        return Optional.of(new StoredXeroTokens(leased.tenantId(), tokens, XeroConnectionStatus.CONNECTED, next, now,
                null, null));
    }

    /**
     * Releases the refresh lease of {@code leased} after a failed refresh, unless another instance changed the
     * record meanwhile.
     */
    public void releaseRefresh(StoredXeroTokens leased) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(leased.tenantId()))
                    .updateExpression("SET #version = :next REMOVE #leaseOwner, #leaseUntil")
                    .conditionExpression("#version = :expected AND #leaseOwner = :owner")
                    .expressionAttributeNames(Map.of("#version", "version", "#leaseOwner", "refreshLeaseOwner",
                            "#leaseUntil", "refreshLeaseUntil"))
                    .expressionAttributeValues(Map.of(
                            ":next", number(leased.version() + 1),
                            ":expected", number(leased.version()),
                            ":owner", AttributeValue.fromS(leased.refreshLeaseOwner()))));
        } catch (ConditionalCheckFailedException lost) {
            // The lease expired and another instance took the record over.
        }
    }

    /**
     * Marks the tenant REAUTH_REQUIRED after Xero rejected the refresh token of {@code leased}.
     *
     * @return false if the record changed meanwhile (a new connect flow stored fresh tokens)
     */
    public boolean markReauthRequired(StoredXeroTokens leased, Instant now) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(leased.tenantId()))
                    .updateExpression("SET #version = :next, #status = :reauth, #changedAt = :now"
                            + " REMOVE #leaseOwner, #leaseUntil")
                    .conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", "version", "#status", "connectionStatus",
                            "#changedAt", "statusChangedAt", "#leaseOwner", "refreshLeaseOwner",
                            "#leaseUntil", "refreshLeaseUntil"))
                    .expressionAttributeValues(Map.of(
                            ":next", number(leased.version() + 1),
                            ":expected", number(leased.version()),
                            ":reauth", AttributeValue.fromS(XeroConnectionStatus.REAUTH_REQUIRED.name()),
                            ":now", number(now.toEpochMilli()))));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    private static Map<String, AttributeValue> tokenAttributes(XeroTokens tokens, XeroConnectionStatus status,
            long version, Instant now) {
        return Map.of(
                "accessToken", AttributeValue.fromS(tokens.accessToken()),
                "refreshToken", AttributeValue.fromS(tokens.refreshToken()),
                "accessTokenExpiresAt", number(tokens.accessTokenExpiresAt().toEpochMilli()),
                "refreshedAt", number(now.toEpochMilli()),
                "connectionStatus", AttributeValue.fromS(status.name()),
                "version", number(version));
    }

    private static StoredXeroTokens fromItem(String tenantId, Map<String, AttributeValue> item) {
        XeroTokens tokens = new XeroTokens(item.get("accessToken").s(), item.get("refreshToken").s(),
                Instant.ofEpochMilli(Long.parseLong(item.get("accessTokenExpiresAt").n())));
        return new StoredXeroTokens(tenantId, tokens,
                XeroConnectionStatus.valueOf(item.get("connectionStatus").s()),
                Long.parseLong(item.get("version").n()),
                instant(item.get("refreshedAt")),
                item.containsKey("refreshLeaseOwner") ? item.get("refreshLeaseOwner").s() : null,
                instant(item.get("refreshLeaseUntil")));
    }

    private static Instant instant(AttributeValue value) {
        return value == null || value.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static Map<String, AttributeValue> key(String tenantId) {
        return Map.of("pk", AttributeValue.fromS("XERO_TOKENS#" + tenantId), "sk", AttributeValue.fromS(SORT_KEY));
    }
}
