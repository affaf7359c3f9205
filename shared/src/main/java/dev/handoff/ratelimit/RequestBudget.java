package dev.handoff.ratelimit;

import dev.handoff.error.ThrottledException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A request budget shared by every function instance, kept in the ledger table: a counter per scope and fixed
 * time window, raised with a conditional update so concurrent instances never spend more than the limit
 * together. Scopes name what the remote API limits, for example {@code xero:tenant:<id>:minute}.
 *
 * <p>Fixed windows allow up to twice the limit across a window boundary. Callers that must stay under a
 * limit counted over a rolling window, such as Xero's 60 calls in any minute, use {@link #spendRolling}.
 * Counters expire through the table's TTL attribute a day after their window ends.
 */
public class RequestBudget {

    private static final Duration KEEP_AFTER_WINDOW = Duration.ofDays(1);

    /**
     * Fixed windows that a rolling budget's window is split into. More slices let a busy caller use more of the
     * limit, ten elevenths with 10 and thirty thirty-firsts with 30, at the cost of one Query that reads up to
     * this many small items per spend.
     */
    public static final int ROLLING_SLICES = 30;

    /** Shortest window that {@link #spendRolling} accepts, so that each slice lasts at least a millisecond. */
    public static final Duration MIN_ROLLING_WINDOW = Duration.ofMillis(ROLLING_SLICES);

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public RequestBudget(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /**
     * Requests spent from one window's counter, so that unused ones can be given back with {@link #refund}.
     *
     * @param scope the counter's scope, with the {@code :rolling} suffix for a rolling budget's slice
     * @param windowStart the counted window's start, epoch milliseconds
     * @param count requests spent
     */
    public record Spent(String scope, long windowStart, int count) {
    }

    /**
     * Spends one request so that no span of length {@code window}, wherever it starts, contains more than
     * {@code limit} requests. See {@link #spendRolling(String, int, Duration, Instant, int)}.
     *
     * @throws ThrottledException when the span is full, with a delay that runs to the current slice's end
     */
    public Spent spendRolling(String scope, int limit, Duration window, Instant now) {
        return spendRolling(scope, limit, window, now, 1);
    }

    /**
     * Spends {@code count} requests at once so that no span of length {@code window}, wherever it starts,
     * contains more than {@code limit} requests. The window is split into {@value #ROLLING_SLICES} slices, and the
     * current slice may take what the slices of the window before it left of the limit, because any such span
     * overlaps at most those and the current one. A full burst therefore waits a slice longer than the window, so
     * the steady rate is 30/31 of the limit, for example 55 a minute for a limit of 57.
     *
     * <p>NOTE: the earlier slices are read before the current one is updated, so an instance whose clock lags
     * behind a slice boundary can still add to a slice that others already counted as closed.
     *
     * @throws ThrottledException when the span cannot take {@code count} more, with a delay that runs to the
     *     current slice's end
     */
    public Spent spendRolling(String scope, int limit, Duration window, Instant now, int count) {
        Slice slice = Slice.holding(now, window, limit, count);
        int earlier = usedBetween(scope + ":rolling", slice.firstEarlierStart(), slice.start() - 1);
        if (earlier + count > limit) {
            throw slice.spent(scope, now);
        }
        return spend(scope + ":rolling", limit - earlier, Duration.ofMillis(slice.millis()), now, count);
    }

    /**
     * Checks, without spending, that the rolling budget could take {@code count} more requests now. Others may
     * spend in between, so a later {@link #spendRolling} can still throttle.
     *
     * @throws ThrottledException when the span cannot take {@code count} more, with a delay that runs to the
     *     current slice's end
     */
    public void requireRolling(String scope, int limit, Duration window, Instant now, int count) {
        Slice slice = Slice.holding(now, window, limit, count);
        int used = usedBetween(scope + ":rolling", slice.firstEarlierStart(), slice.start() + slice.millis() - 1);
        if (used + count > limit) {
            throw slice.spent(scope, now);
        }
    }

    /**
     * The slice of a rolling window that contains a moment.
     *
     * @param start the slice's start, epoch milliseconds
     * @param millis the slice's length, a {@value #ROLLING_SLICES}th of the window
     */
    private record Slice(long start, long millis) {

        static Slice holding(Instant now, Duration window, int limit, int count) {
            if (limit < 1 || window.toMillis() < MIN_ROLLING_WINDOW.toMillis()) {
                throw new IllegalArgumentException("a rolling budget needs a positive limit and a window of at least "
                        + MIN_ROLLING_WINDOW.toMillis() + " ms");
            }
            requirePositive(count, limit);
            long millis = window.toMillis() / ROLLING_SLICES;
            return new Slice(Math.floorDiv(now.toEpochMilli(), millis) * millis, millis);
        }

        /** Returns the start of the first of the slices that fill the window before this one. */
        long firstEarlierStart() {
            return start - ROLLING_SLICES * millis;
        }

        ThrottledException spent(String scope, Instant now) {
            Instant end = Instant.ofEpochMilli(start + millis);
            return new ThrottledException("request budget " + scope + " is spent until " + end, Duration.between(now, end));
        }
    }

    /** Returns the requests counted in {@code scope}'s windows that start from {@code first} to {@code last} ms. */
    private int usedBetween(String scope, long first, long last) {
        int used = 0;
        for (Map<String, AttributeValue> item : dynamoDb.queryPaginator(QueryRequest.builder()
                .tableName(tableName)
                .consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :first AND :last")
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS("BUDGET#" + scope),
                        ":first", AttributeValue.fromS(windowKey(first)),
                        ":last", AttributeValue.fromS(windowKey(last))))
                .build()).items()) {
            AttributeValue count = item.get("used");
            used += count == null ? 0 : Integer.parseInt(count.n());
        }
        return used;
    }

    /**
     * Returns a window's sort key. Keys sort in time order because every start from 2001 to 2286 has 13 digits
     * in epoch milliseconds.
     */
    private static String windowKey(long windowStart) {
        return "WINDOW#" + windowStart;
    }

    /**
     * Spends one request from {@code scope}'s budget for the window holding {@code now}.
     *
     * @throws ThrottledException when the window's budget is spent, with a delay that runs to the window's end
     */
    public Spent spend(String scope, int limit, Duration window, Instant now) {
        return spend(scope, limit, window, now, 1);
    }

    /**
     * Spends {@code count} requests at once from {@code scope}'s budget for the window holding {@code now}, or
     * none of them.
     *
     * @throws ThrottledException when the window's budget cannot take {@code count} more, with a delay that runs
     *     to the window's end
     */
    public Spent spend(String scope, int limit, Duration window, Instant now, int count) {
        if (limit < 1 || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a budget needs a positive limit and window");
        }
        requirePositive(count, limit);
        long windowMillis = window.toMillis();
        long windowStart = Math.floorDiv(now.toEpochMilli(), windowMillis) * windowMillis;
        Instant windowEnd = Instant.ofEpochMilli(windowStart + windowMillis);
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(key(scope, windowStart))
                    .updateExpression("ADD #used :count SET #expiresAt = :expiresAt")
                    .conditionExpression("attribute_not_exists(#used) OR #used <= :highest")
                    .expressionAttributeNames(Map.of("#used", "used", "#expiresAt", "expiresAt"))
                    .expressionAttributeValues(Map.of(
                            ":count", AttributeValue.fromN(Integer.toString(count)),
                            ":highest", AttributeValue.fromN(Integer.toString(limit - count)),
                            ":expiresAt", AttributeValue.fromN(Long.toString(
                                    windowEnd.plus(KEEP_AFTER_WINDOW).getEpochSecond()))))
                    .build());
        } catch (ConditionalCheckFailedException spent) {
            Duration wait = Duration.between(now, windowEnd);
            throw new ThrottledException("request budget " + scope + " is spent until " + windowEnd, wait);
        }
        return new Spent(scope, windowStart, count);
    }

    /**
     * Gives {@code unused} of the requests in {@code spent} back to their window, for a caller that spent ahead
     * and made fewer requests. A window whose counter has expired is left alone.
     *
     * @throws IllegalArgumentException if {@code unused} is negative or more than {@code spent} counted
     */
    public void refund(Spent spent, int unused) {
        if (unused < 0 || unused > spent.count()) {
            throw new IllegalArgumentException("cannot refund " + unused + " of " + spent.count() + " spent requests");
        }
        if (unused == 0) {
            return;
        }
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(key(spent.scope(), spent.windowStart()))
                    .updateExpression("ADD #used :minus")
                    .conditionExpression("#used >= :unused")
                    .expressionAttributeNames(Map.of("#used", "used"))
                    .expressionAttributeValues(Map.of(
                            ":minus", AttributeValue.fromN(Integer.toString(-unused)),
                            ":unused", AttributeValue.fromN(Integer.toString(unused))))
                    .build());
        } catch (ConditionalCheckFailedException expired) {
            // The counter expired through TTL, so there is nothing left to give back.
        }
    }

    private Map<String, AttributeValue> key(String scope, long windowStart) {
        return Map.of("pk", AttributeValue.fromS("BUDGET#" + scope), "sk", AttributeValue.fromS(windowKey(windowStart)));
    }

    private static void requirePositive(int count, int limit) {
        if (count < 1 || count > limit) {
            throw new IllegalArgumentException("cannot spend " + count + " requests from a budget of " + limit);
        }
    }
}
