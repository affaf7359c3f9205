package dev.handoff.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

@ExtendWith(LocalEnginesExtension.class)
class LedgerTest {

    private static final Instant T0 = Instant.parse("2025-03-03T08:00:00Z");
    private static final AtomicInteger PORTALS = new AtomicInteger(9_000_000);

    // Tests in this class share one table, so each test works in its own HubSpot portal and tenant.
    private final String portal = Integer.toString(PORTALS.incrementAndGet());
    private final HandoffKey key = HandoffKey.hubspot(portal, "48000000001");
    private final String tenant = "7c1e2a3b-0000-4000-8000-00000" + portal;

    private DynamoDbClient dynamoDb;
    private Ledger ledger;

    /**
     * Waits until the table is ACTIVE, because dynalite reports a new table as CREATING for a moment even
     * with --createTableMs 0, and rejects requests on it with ResourceNotFoundException until then.
     */
    @BeforeAll
    static void awaitTable(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder()
                .client(dynamoDb)
                .overrideConfiguration(configuration -> configuration
                        .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(20)))
                        .maxAttempts(250))
                .build()) {
            waiter.waitUntilTableExists(request -> request.tableName(resources.tableName("LedgerTable")));
        }
    }

    @BeforeEach
    void createLedger(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.ledger = new Ledger(dynamoDb, resources.tableName("LedgerTable"));
    }

    @Test
    void recordDeliveryRecognisesRepeats() {
        Duration ttl = Duration.ofDays(7);

        assertThat(ledger.recordDelivery("hubspot", portal + ":101", key, T0, ttl)).isEqualTo(DeliveryOutcome.NEW);
        assertThat(ledger.recordDelivery("hubspot", portal + ":101", key, T0.plusSeconds(5), ttl))
                .isEqualTo(DeliveryOutcome.DUPLICATE_NOT_ENQUEUED);

        ledger.markDeliveryEnqueued("hubspot", portal + ":101", T0.plusSeconds(6));

        assertThat(ledger.recordDelivery("hubspot", portal + ":101", key, T0.plusSeconds(10), ttl))
                .isEqualTo(DeliveryOutcome.DUPLICATE_ENQUEUED);
        assertThat(ledger.recordDelivery("hubspot", portal + ":102", key, T0.plusSeconds(10), ttl))
                .isEqualTo(DeliveryOutcome.NEW);
    }

    @Test
    void recordDeliveryStoresExpiryInEpochSeconds() {
        ledger.recordDelivery("hubspot", portal + ":101", key, T0, Duration.ofDays(7));

        Map<String, AttributeValue> item = rawItem("DELIVERY#hubspot#" + portal + ":101", "DELIVERY");
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(T0.plus(Duration.ofDays(7)).getEpochSecond()));
        assertThat(item.get("handoffKey").s()).isEqualTo(key.value());
        assertThat(item.get("enqueued").bool()).isFalse();
    }

    @Test
    void recordDeliveryTreatsExpiredRecordAsNew() {
        ledger.recordDelivery("hubspot", portal + ":101", key, T0, Duration.ofHours(1));
        ledger.markDeliveryEnqueued("hubspot", portal + ":101", T0);

        Instant afterExpiry = T0.plus(Duration.ofHours(2));

        assertThat(ledger.recordDelivery("hubspot", portal + ":101", key, afterExpiry, Duration.ofHours(1)))
                .isEqualTo(DeliveryOutcome.NEW);
        assertThat(ledger.recordDelivery("hubspot", portal + ":101", key, afterExpiry, Duration.ofHours(1)))
                .isEqualTo(DeliveryOutcome.DUPLICATE_NOT_ENQUEUED);
    }

    @Test
    void markDeliveryEnqueuedRejectsUnknownDelivery() {
        assertThatThrownBy(() -> ledger.markDeliveryEnqueued("hubspot", portal + ":404", T0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call recordDelivery first")
                .hasCauseInstanceOf(ConditionalCheckFailedException.class);
        assertThat(rawItem("DELIVERY#hubspot#" + portal + ":404", "DELIVERY")).isEmpty();
    }

    @Test
    void openHandoffTwiceReturnsStoredHandoff() {
        Handoff first = ledger.openHandoff(key, tenant, portal + ":101", T0);
        Handoff second = ledger.openHandoff(key, tenant, portal + ":102", T0.plusSeconds(30));

        assertThat(first.state()).isEqualTo(HandoffState.RECEIVED);
        assertThat(first.version()).isEqualTo(1);
        assertThat(second).isEqualTo(first);
        assertThat(second.firstEventId()).isEqualTo(portal + ":101");
        assertThat(ledger.find(key)).contains(first);
    }

    @Test
    void findReturnsEmptyForUnknownHandoff() {
        assertThat(ledger.find(key)).isEmpty();
    }

    @Test
    void transitionBumpsVersionAndSetsAttributes() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);
        Instant now = T0.plusSeconds(60);

        Handoff ready = ledger.transition(received, HandoffState.CUSTOMER_READY,
                HandoffChange.none().set(Attribute.CUSTOMER_ID, "c0ffee00-0000-4000-8000-000000000001"), now);

        assertThat(ready.state()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(ready.version()).isEqualTo(2);
        assertThat(ready.customerId()).isEqualTo("c0ffee00-0000-4000-8000-000000000001");
        assertThat(ready.updatedAt()).isEqualTo(now);
        assertThat(ready.createdAt()).isEqualTo(T0);
        assertThat(ready.tenantId()).isEqualTo(tenant);
        assertThat(ledger.find(key)).contains(ready);
    }

    @Test
    void transitionFromStaleHandoffThrows() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);
        ledger.transition(received, HandoffState.CUSTOMER_READY, HandoffChange.none(), T0.plusSeconds(1));

        assertThatThrownBy(() -> ledger.transition(received, HandoffState.BLOCKED, HandoffChange.none(),
                T0.plusSeconds(2)))
                .isInstanceOf(StaleHandoffException.class)
                .hasMessageContaining("no longer in state RECEIVED at version 1")
                .hasCauseInstanceOf(ConditionalCheckFailedException.class)
                .satisfies(e -> assertThat(((StaleHandoffException) e).key()).isEqualTo(key));
        assertThat(ledger.find(key).orElseThrow().state()).isEqualTo(HandoffState.CUSTOMER_READY);
    }

    @Test
    void transitionOfMissingHandoffIsStale() {
        Handoff neverStored = handoff(HandoffState.RECEIVED, 1);

        assertThatThrownBy(() -> ledger.transition(neverStored, HandoffState.CUSTOMER_READY, HandoffChange.none(), T0))
                .isInstanceOf(StaleHandoffException.class);
        assertThat(ledger.find(key)).isEmpty();
    }

    @Test
    void illegalTransitionThrowsBeforeWriting() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);
        List<TimelineEvent> timelineBefore = ledger.timeline(key);

        assertThatThrownBy(() -> ledger.transition(received, HandoffState.PAID, HandoffChange.none(), T0.plusSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot move from RECEIVED to PAID");
        assertThat(ledger.find(key)).contains(received);
        assertThat(ledger.timeline(key)).isEqualTo(timelineBefore);
    }

    @Test
    void updateKeepsStateAndBumpsVersion() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);

        Handoff updated = ledger.update(received, HandoffChange.none().set(Attribute.CRM_SYNCED_STATUS, "pending"),
                T0.plusSeconds(1));

        assertThat(updated.state()).isEqualTo(HandoffState.RECEIVED);
        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.crmSyncedStatus()).isEqualTo("pending");
        assertThatThrownBy(() -> ledger.update(received, HandoffChange.none(), T0.plusSeconds(2)))
                .isInstanceOf(StaleHandoffException.class);
    }

    @Test
    void clearRemovesAttribute() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);
        Handoff blocked = ledger.transition(received, HandoffState.BLOCKED, HandoffChange.none()
                .set(Attribute.BLOCKED_REASON, "missing VAT number")
                .set(Attribute.BLOCKED_FIELDS, List.of("vat_number"))
                .set(Attribute.RESUME_STATE, HandoffState.RECEIVED), T0.plusSeconds(1));

        Handoff resumed = ledger.transition(blocked, HandoffState.RECEIVED, HandoffChange.none()
                .clear(Attribute.BLOCKED_REASON)
                .clear(Attribute.BLOCKED_FIELDS)
                .clear(Attribute.RESUME_STATE), T0.plusSeconds(2));

        assertThat(blocked.blockedReason()).isEqualTo("missing VAT number");
        assertThat(resumed.blockedReason()).isNull();
        assertThat(resumed.blockedFields()).isEmpty();
        assertThat(resumed.resumeState()).isNull();
        assertThat(rawItem("HANDOFF#" + key.value(), "STATE"))
                .doesNotContainKeys("blockedReason", "blockedFields", "resumeState");
    }

    @Test
    void racingTransitionsHaveExactlyOneWinner() throws Exception {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);
        CountDownLatch start = new CountDownLatch(1);
        Callable<Handoff> move = () -> {
            start.await();
            return ledger.transition(received, HandoffState.CUSTOMER_READY, HandoffChange.none(), T0.plusSeconds(1));
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        List<Future<Handoff>> results = new ArrayList<>();
        try {
            results.add(threads.submit(move));
            results.add(threads.submit(move));
            start.countDown();

            int winners = 0;
            int stale = 0;
            for (Future<Handoff> result : results) {
                try {
                    assertThat(result.get().version()).isEqualTo(2);
                    winners++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(StaleHandoffException.class);
                    stale++;
                }
            }

            assertThat(winners).isEqualTo(1);
            assertThat(stale).isEqualTo(1);
            assertThat(ledger.find(key).orElseThrow().version()).isEqualTo(2);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void listByStateSeesOnlyNewState() {
        HandoffKey other = HandoffKey.hubspot(portal, "48000000002");
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);
        ledger.openHandoff(other, tenant, portal + ":102", T0.plusSeconds(1));

        ledger.transition(received, HandoffState.CUSTOMER_READY, HandoffChange.none(), T0.plusSeconds(2));

        assertThat(keysListedInPortal(HandoffState.CUSTOMER_READY)).containsExactly(key);
        assertThat(keysListedInPortal(HandoffState.RECEIVED)).containsExactly(other);
        assertThat(keysListedInPortal(HandoffState.PAID)).isEmpty();
    }

    @Test
    void listByStateReturnsNewestFirst() {
        HandoffKey older = HandoffKey.hubspot(portal, "48000000002");
        HandoffKey newer = HandoffKey.hubspot(portal, "48000000003");
        ledger.openHandoff(key, tenant, portal + ":101", T0.plusMillis(500));
        ledger.openHandoff(older, tenant, portal + ":102", T0);
        ledger.openHandoff(newer, tenant, portal + ":103", T0.plusSeconds(1));

        assertThat(keysListedInPortal(HandoffState.RECEIVED)).containsExactly(newer, key, older);
    }

    @Test
    void timelineReturnsEventsInTimeOrder() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);
        ledger.appendEvent(key, "customer", "created", "contact c0ffee00", T0.plusMillis(1500));
        ledger.transition(received, HandoffState.CUSTOMER_READY, HandoffChange.none(), T0.plusSeconds(2));
        ledger.appendEvent(key, "crm", "synced", null, T0.plusMillis(1200));

        assertThat(ledger.timeline(key)).containsExactly(
                new TimelineEvent(T0, "state", "RECEIVED", "opened by event " + portal + ":101"),
                new TimelineEvent(T0.plusMillis(1200), "crm", "synced", null),
                new TimelineEvent(T0.plusMillis(1500), "customer", "created", "contact c0ffee00"),
                new TimelineEvent(T0.plusSeconds(2), "state", "CUSTOMER_READY", "from RECEIVED"));
    }

    @Test
    void timelineKeepsEventsAtSameInstant() {
        for (int i = 0; i < 5; i++) {
            ledger.appendEvent(key, "retry", "attempt " + i, null, T0);
        }

        assertThat(ledger.timeline(key)).hasSize(5);
    }

    @Test
    void timelineReadsEveryPage() {
        String detail = "x".repeat(10_000);
        for (int i = 0; i < 120; i++) {
            ledger.appendEvent(key, "step", Integer.toString(i), detail, T0.plusSeconds(i));
        }

        var firstPage = dynamoDb.query(request -> request
                .tableName(ledger.tableName())
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("HANDOFF#" + key.value()))));
        List<TimelineEvent> timeline = ledger.timeline(key);

        assertThat(firstPage.hasLastEvaluatedKey()).as("the events span more than one 1 MB page").isTrue();
        assertThat(timeline).hasSize(120);
        assertThat(timeline.get(119).outcome()).isEqualTo("119");
    }

    @Test
    void customerLinkRoundTrips() {
        assertThat(ledger.findCustomerLink("hubspot", portal, "31000000001", tenant)).isEmpty();

        ledger.putCustomerLink("hubspot", portal, "31000000001", tenant, "c0ffee00-0000-4000-8000-000000000001", T0);
        assertThat(ledger.findCustomerLink("hubspot", portal, "31000000001", tenant))
                .contains("c0ffee00-0000-4000-8000-000000000001");
        assertThat(ledger.findCustomerLink("hubspot", portal, "31000000001", "other-tenant")).isEmpty();

        ledger.putCustomerLink("hubspot", portal, "31000000001", tenant, "c0ffee00-0000-4000-8000-000000000002",
                T0.plusSeconds(1));
        assertThat(ledger.findCustomerLink("hubspot", portal, "31000000001", tenant))
                .contains("c0ffee00-0000-4000-8000-000000000002");
    }

    @Test
    void invoiceIndexRoundTrips() {
        assertThat(ledger.findHandoffByInvoice(tenant, "inv-0001")).isEmpty();

        ledger.putInvoiceIndex(tenant, "inv-0001", key, T0);
        ledger.putInvoiceIndex(tenant, "inv-0001", key, T0.plusSeconds(1));

        assertThat(ledger.findHandoffByInvoice(tenant, "inv-0001")).contains(key);
    }

    @Test
    void invoiceIndexRejectsSecondHandoff() {
        HandoffKey other = HandoffKey.hubspot(portal, "48000000002");
        ledger.putInvoiceIndex(tenant, "inv-0001", key, T0);

        assertThatThrownBy(() -> ledger.putInvoiceIndex(tenant, "inv-0001", other, T0.plusSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already indexed to handoff " + key.value())
                .hasCauseInstanceOf(ConditionalCheckFailedException.class);
        assertThat(ledger.findHandoffByInvoice(tenant, "inv-0001")).contains(key);
    }

    @Test
    void amountRoundTripsWithCurrencyScale() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);

        ledger.update(received, HandoffChange.none()
                .set(Attribute.CURRENCY, "ZAR")
                .set(Attribute.INVOICE_TOTAL, new BigDecimal("11500.00"))
                .set(Attribute.AMOUNT_PAID, new BigDecimal("0.00"))
                .set(Attribute.AMOUNT_DUE, new BigDecimal("11500.005")), T0.plusSeconds(1));
        Handoff stored = ledger.find(key).orElseThrow();

        assertThat(stored.invoiceTotal()).isEqualTo(new BigDecimal("11500.00"));
        assertThat(stored.invoiceTotal().scale()).isEqualTo(2);
        assertThat(stored.amountPaid()).isEqualTo(new BigDecimal("0.00"));
        assertThat(stored.amountDue()).isEqualTo(new BigDecimal("11500.005"));
        assertThat(stored.amountCredited()).isNull();
    }

    @Test
    void everyAttributeRoundTrips() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);
        Instant inFlightSince = Instant.parse("2025-03-03T08:00:01.000000500Z");

        Handoff updated = ledger.update(received, HandoffChange.none()
                .set(Attribute.TENANT_ID, "7c1e2a3b-0000-4000-8000-00000000a002")
                .set(Attribute.CUSTOMER_ID, "c0ffee00-0000-4000-8000-000000000001")
                .set(Attribute.INVOICE_IDEMPOTENCY_KEY, key.value() + ":invoice:1")
                .set(Attribute.INVOICE_IN_FLIGHT_SINCE, inFlightSince)
                .set(Attribute.INVOICE_ID, "inv-0001")
                .set(Attribute.INVOICE_NUMBER, "INV-0042")
                .set(Attribute.INVOICE_STATUS, "AUTHORISED")
                .set(Attribute.CURRENCY, "ZAR")
                .set(Attribute.INVOICE_TOTAL, new BigDecimal("11500.00"))
                .set(Attribute.AMOUNT_DUE, new BigDecimal("6500.00"))
                .set(Attribute.AMOUNT_PAID, new BigDecimal("5000.00"))
                .set(Attribute.AMOUNT_CREDITED, new BigDecimal("0.00"))
                .set(Attribute.PAYMENT_STATUS, "PARTIALLY_PAID")
                .set(Attribute.CRM_SYNCED_STATUS, "synced")
                .set(Attribute.BLOCKED_REASON, "none")
                .set(Attribute.BLOCKED_FIELDS, List.of("vat_number", "address"))
                .set(Attribute.RESUME_STATE, HandoffState.INVOICED), T0.plusSeconds(2));

        Handoff expected = new Handoff(key, HandoffState.RECEIVED, 2, "7c1e2a3b-0000-4000-8000-00000000a002",
                portal + ":101", "c0ffee00-0000-4000-8000-000000000001", key.value() + ":invoice:1", inFlightSince,
                "inv-0001", "INV-0042", "AUTHORISED", "ZAR", new BigDecimal("11500.00"), new BigDecimal("6500.00"),
                new BigDecimal("5000.00"), new BigDecimal("0.00"), "PARTIALLY_PAID", "synced", "none",
                List.of("vat_number", "address"), HandoffState.INVOICED, T0, T0.plusSeconds(2));
        assertThat(updated).isEqualTo(expected);
        assertThat(ledger.find(key)).contains(expected);
    }

    @Test
    void emptyBlockedFieldsReadAsEmpty() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);

        Handoff updated = ledger.update(received, HandoffChange.none().set(Attribute.BLOCKED_FIELDS, List.of()),
                T0.plusSeconds(1));

        assertThat(updated.blockedFields()).isEmpty();
        assertThat(ledger.find(key).orElseThrow().blockedFields()).isEmpty();
    }

    @Test
    void blankValueIsRejected() {
        Handoff received = ledger.openHandoff(key, tenant, portal + ":101", T0);

        assertThatThrownBy(() -> ledger.update(received, HandoffChange.none().set(Attribute.INVOICE_ID, " "), T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INVOICE_ID must not be blank");
        assertThatThrownBy(() -> ledger.update(received,
                HandoffChange.none().set(Attribute.BLOCKED_FIELDS, List.of(1)), T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("list of non-blank strings");
        assertThat(ledger.find(key)).contains(received);
    }

    @Test
    void guardClausesNameTheArgument() {
        assertThatThrownBy(() -> ledger.recordDelivery("hub#spot", portal + ":101", key, T0, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source must not contain '#'");
        assertThatThrownBy(() -> ledger.recordDelivery("hubspot", " ", key, T0, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventKey must not be blank");
        assertThatThrownBy(() -> ledger.recordDelivery("hubspot", portal + ":101", key, T0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl must be positive");
        assertThatThrownBy(() -> ledger.openHandoff(null, tenant, portal + ":101", T0))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key is required");
        assertThatThrownBy(() -> ledger.transition(handoff(HandoffState.RECEIVED, 1), null, HandoffChange.none(), T0))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("next is required");
        assertThatThrownBy(() -> ledger.putInvoiceIndex("tenant:1", "inv-0001", key, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenantId must not contain ':'");
        assertThatThrownBy(() -> ledger.findCustomerLink("hubspot", portal, "", tenant))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("companyId must not be blank");
        assertThatThrownBy(() -> new Ledger(dynamoDb, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tableName must not be blank");
    }

    /** Lists the state's handoffs in this test's portal, in the order listByState returns them. */
    private List<HandoffKey> keysListedInPortal(HandoffState state) {
        return ledger.listByState(state).stream()
                .map(Handoff::key)
                .filter(listed -> listed.accountId().equals(portal))
                .toList();
    }

    private Map<String, AttributeValue> rawItem(String pk, String sk) {
        return dynamoDb.getItem(request -> request
                .tableName(ledger.tableName())
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))
                .consistentRead(true)).item();
    }

    private Handoff handoff(HandoffState state, long version) {
        return new Handoff(key, state, version, tenant, portal + ":101", null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, List.of(), null, T0, T0);
    }
}
