package dev.handoff.ratelimit;

import dev.handoff.error.ThrottledException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Limits how many calls run at once across every function instance, for limits such as Xero's 5 concurrent
 * calls per tenant. Each of a scope's {@code slots} is one ledger item, taken with a conditional put and
 * freed with a conditional delete. A slot whose holder died frees itself when its lease expires, so a crashed
 * instance blocks a slot for at most the lease duration.
 */
public class ConcurrencyLease {

    /** Delay requested from a caller that found every slot taken, long enough for a typical call to finish. */
    static final Duration RETRY_DELAY = Duration.ofSeconds(2);

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public ConcurrencyLease(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /**
     * Takes a free slot of {@code scope} until {@code now + duration}. Close the returned lease when the call ends.
     *
     * @throws ThrottledException if all {@code slots} are taken
     */
    public Lease acquire(String scope, int slots, Duration duration, Instant now) {
        if (slots < 1 || duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("a concurrency lease needs at least one slot and a positive duration");
        }
        String owner = UUID.randomUUID().toString();
        Instant until = now.plus(duration);
        // Starting at a random slot spreads instances over the slots, so most acquire on the first put.
        int first = ThreadLocalRandom.current().nextInt(slots);
        for (int i = 0; i < slots; i++) {
            int slot = (first + i) % slots;
            if (tryTake(scope, slot, owner, until, now)) {
                return new Lease(scope, slot, owner);
            }
        }
        throw new ThrottledException("all " + slots + " concurrent call slots of " + scope + " are taken", RETRY_DELAY);
    }

    private boolean tryTake(String scope, int slot, String owner, Instant until, Instant now) {
        try {
            dynamoDb.putItem(request -> request.tableName(tableName)
                    .item(Map.of(
                            "pk", AttributeValue.fromS("LEASE#" + scope),
                            "sk", AttributeValue.fromS("SLOT#" + slot),
                            "owner", AttributeValue.fromS(owner),
                            "leaseUntil", AttributeValue.fromN(Long.toString(until.toEpochMilli())),
                            "expiresAt", AttributeValue.fromN(Long.toString(until.plus(Duration.ofDays(1)).getEpochSecond()))))
                    .conditionExpression("attribute_not_exists(pk) OR leaseUntil < :now")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.toEpochMilli())))));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    /** One held slot. Closing it frees the slot unless the lease expired and another caller took it. */
    public final class Lease implements AutoCloseable {

        private final String scope;
        private final int slot;
        private final String owner;

        private Lease(String scope, int slot, String owner) {
            this.scope = scope;
            this.slot = slot;
            this.owner = owner;
        }

        public int slot() {
            return slot;
        }

        @Override
        public void close() {
            try {
                dynamoDb.deleteItem(request -> request.tableName(tableName)
                        .key(Map.of("pk", AttributeValue.fromS("LEASE#" + scope), "sk", AttributeValue.fromS("SLOT#" + slot)))
                        .conditionExpression("#owner = :owner")
                        .expressionAttributeNames(Map.of("#owner", "owner"))
                        .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))));
            } catch (ConditionalCheckFailedException takenOver) {
                // The lease expired during the call and another caller has the slot now, so that caller frees it.
            }
        }
    }
}
