package dev.handoff.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.HandoffChange.Attribute;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

class LedgerTest {

    private static final Instant T0 = Instant.parse("2025-03-03T08:00:00Z");
    private static final HandoffKey KEY = HandoffKey.hubspot("9999999", "48000000001");
    private static final String TENANT = "7c1e2a3b-0000-4000-8000-00000000a001";

    private static LocalLedgerTable engine;

    private Ledger ledger;

    @BeforeAll
    static void startEngine() {
        engine = LocalLedgerTable.start();
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @BeforeEach
    void createLedger() {
        ledger = new Ledger(engine.client(), engine.createTable());
    }

    @Test
    void recordDeliveryRecognisesRepeats() {
        Duration ttl = Duration.ofDays(7);

        assertThat(ledger.recordDelivery("hubspot", "9999999:101", KEY, T0, ttl)).isEqualTo(DeliveryOutcome.NEW);
        assertThat(ledger.recordDelivery("hubspot", "9999999:101", KEY, T0.plusSeconds(5), ttl))
                .isEqualTo(DeliveryOutcome.DUPLICATE_NOT_ENQUEUED);

        ledger.markDeliveryEnqueued("hubspot", "9999999:101", T0.plusSeconds(6));

        assertThat(ledger.recordDelivery("hubspot", "9999999:101", KEY, T0.plusSeconds(10), ttl))
                .isEqualTo(DeliveryOutcome.DUPLICATE_ENQUEUED);
        assertThat(ledger.recordDelivery("hubspot", "9999999:102", KEY, T0.plusSeconds(10), ttl))
                .isEqualTo(DeliveryOutcome.NEW);
    }

    @Test
    void recordDeliveryStoresExpiryInEpochSeconds() {
        ledger.recordDelivery("hubspot", "9999999:101", KEY, T0, Duration.ofDays(7));

        Map<String, AttributeValue> item = rawItem("DELIVERY#hubspot#9999999:101", "DELIVERY");
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(T0.plus(Duration.ofDays(7)).getEpochSecond()));
        assertThat(item.get("handoffKey").s()).isEqualTo(KEY.value());
        assertThat(item.get("enqueued").bool()).isFalse();
    }

    @Test
    void recordDeliveryTreatsExpiredRecordAsNew() {
        ledger.recordDelivery("hubspot", "9999999:101", KEY, T0, Duration.ofHours(1));
        ledger.markDeliveryEnqueued("hubspot", "9999999:101", T0);

        Instant afterExpiry = T0.plus(Duration.ofHours(2));

        assertThat(ledger.recordDelivery("hubspot", "9999999:101", KEY, afterExpiry, Duration.ofHours(1)))
                .isEqualTo(DeliveryOutcome.NEW);
        assertThat(ledger.recordDelivery("hubspot", "9999999:101", KEY, afterExpiry, Duration.ofHours(1)))
                .isEqualTo(DeliveryOutcome.DUPLICATE_NOT_ENQUEUED);
    }

    @Test
    void markDeliveryEnqueuedRejectsUnknownDelivery() {
        assertThatThrownBy(() -> ledger.markDeliveryEnqueued("hubspot", "9999999:404", T0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call recordDelivery first")
                .hasCauseInstanceOf(ConditionalCheckFailedException.class);
        assertThat(rawItem("DELIVERY#hubspot#9999999:404", "DELIVERY")).isEmpty();
    }

    @Test
    void openHandoffTwiceReturnsStoredHandoff() {
        Handoff first = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);
        Handoff second = ledger.openHandoff(KEY, TENANT, "9999999:102", T0.plusSeconds(30));

        assertThat(first.state()).isEqualTo(HandoffState.RECEIVED);
        assertThat(first.version()).isEqualTo(1);
        assertThat(second).isEqualTo(first);
        assertThat(second.firstEventId()).isEqualTo("9999999:101");
        assertThat(ledger.find(KEY)).contains(first);
    }

    @Test
    void findReturnsEmptyForUnknownHandoff() {
        assertThat(ledger.find(KEY)).isEmpty();
    }

    @Test
    void transitionBumpsVersionAndSetsAttributes() {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);
        Instant now = T0.plusSeconds(60);

        Handoff ready = ledger.transition(received, HandoffState.CUSTOMER_READY,
                HandoffChange.none().set(Attribute.CUSTOMER_ID, "c0ffee00-0000-4000-8000-000000000001"), now);

        assertThat(ready.state()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(ready.version()).isEqualTo(2);
        assertThat(ready.customerId()).isEqualTo("c0ffee00-0000-4000-8000-000000000001");
        assertThat(ready.updatedAt()).isEqualTo(now);
        assertThat(ready.createdAt()).isEqualTo(T0);
        assertThat(ready.tenantId()).isEqualTo(TENANT);
        assertThat(ledger.find(KEY)).contains(ready);
    }

    @Test
    void transitionFromStaleHandoffThrows() {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);
        ledger.transition(received, HandoffState.CUSTOMER_READY, HandoffChange.none(), T0.plusSeconds(1));

        assertThatThrownBy(() -> ledger.transition(received, HandoffState.BLOCKED, HandoffChange.none(),
                T0.plusSeconds(2)))
                .isInstanceOf(StaleHandoffException.class)
                .hasMessageContaining("no longer in state RECEIVED at version 1")
                .hasCauseInstanceOf(ConditionalCheckFailedException.class)
                .satisfies(e -> assertThat(((StaleHandoffException) e).key()).isEqualTo(KEY));
        assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(HandoffState.CUSTOMER_READY);
    }

    @Test
    void transitionOfMissingHandoffIsStale() {
        Handoff neverStored = handoff(HandoffState.RECEIVED, 1);

        assertThatThrownBy(() -> ledger.transition(neverStored, HandoffState.CUSTOMER_READY, HandoffChange.none(), T0))
                .isInstanceOf(StaleHandoffException.class);
        assertThat(ledger.find(KEY)).isEmpty();
    }

    @Test
    void illegalTransitionThrowsBeforeWriting() {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);
        List<TimelineEvent> timelineBefore = ledger.timeline(KEY);

        assertThatThrownBy(() -> ledger.transition(received, HandoffState.PAID, HandoffChange.none(), T0.plusSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot move from RECEIVED to PAID");
        assertThat(ledger.find(KEY)).contains(received);
        assertThat(ledger.timeline(KEY)).isEqualTo(timelineBefore);
    }

    @Test
    void updateKeepsStateAndBumpsVersion() {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);

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
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);
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
        assertThat(rawItem("HANDOFF#" + KEY.value(), "STATE"))
                .doesNotContainKeys("blockedReason", "blockedFields", "resumeState");
    }

    @Test
    void racingTransitionsHaveExactlyOneWinner() throws Exception {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);
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
            assertThat(ledger.find(KEY).orElseThrow().version()).isEqualTo(2);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void listByStateSeesOnlyNewState() {
        HandoffKey other = HandoffKey.hubspot("9999999", "48000000002");
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);
        ledger.openHandoff(other, TENANT, "9999999:102", T0.plusSeconds(1));

        ledger.transition(received, HandoffState.CUSTOMER_READY, HandoffChange.none(), T0.plusSeconds(2));

        assertThat(ledger.listByState(HandoffState.CUSTOMER_READY)).extracting(Handoff::key).containsExactly(KEY);
        assertThat(ledger.listByState(HandoffState.RECEIVED)).extracting(Handoff::key).containsExactly(other);
        assertThat(ledger.listByState(HandoffState.PAID)).isEmpty();
    }

    @Test
    void listByStateReturnsNewestFirst() {
        HandoffKey older = HandoffKey.hubspot("9999999", "48000000002");
        HandoffKey newer = HandoffKey.hubspot("9999999", "48000000003");
        ledger.openHandoff(KEY, TENANT, "9999999:101", T0.plusMillis(500));
        ledger.openHandoff(older, TENANT, "9999999:102", T0);
        ledger.openHandoff(newer, TENANT, "9999999:103", T0.plusSeconds(1));

        assertThat(ledger.listByState(HandoffState.RECEIVED)).extracting(Handoff::key).containsExactly(newer, KEY, older);
    }

    @Test
    void timelineReturnsEventsInTimeOrder() {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);
        ledger.appendEvent(KEY, "customer", "created", "contact c0ffee00", T0.plusMillis(1500));
        ledger.transition(received, HandoffState.CUSTOMER_READY, HandoffChange.none(), T0.plusSeconds(2));
        ledger.appendEvent(KEY, "crm", "synced", null, T0.plusMillis(1200));

        assertThat(ledger.timeline(KEY)).containsExactly(
                new TimelineEvent(T0, "state", "RECEIVED", "opened by event 9999999:101"),
                new TimelineEvent(T0.plusMillis(1200), "crm", "synced", null),
                new TimelineEvent(T0.plusMillis(1500), "customer", "created", "contact c0ffee00"),
                new TimelineEvent(T0.plusSeconds(2), "state", "CUSTOMER_READY", "from RECEIVED"));
    }

    @Test
    void timelineKeepsEventsAtSameInstant() {
        for (int i = 0; i < 5; i++) {
            ledger.appendEvent(KEY, "retry", "attempt " + i, null, T0);
        }

        assertThat(ledger.timeline(KEY)).hasSize(5);
    }

    @Test
    void timelineReadsEveryPage() {
        String detail = "x".repeat(10_000);
        for (int i = 0; i < 120; i++) {
            ledger.appendEvent(KEY, "step", Integer.toString(i), detail, T0.plusSeconds(i));
        }

        var firstPage = engine.client().query(request -> request
                .tableName(ledger.tableName())
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("HANDOFF#" + KEY.value()))));
        List<TimelineEvent> timeline = ledger.timeline(KEY);

        assertThat(firstPage.hasLastEvaluatedKey()).as("the events span more than one 1 MB page").isTrue();
        assertThat(timeline).hasSize(120);
        assertThat(timeline.get(119).outcome()).isEqualTo("119");
    }

    @Test
    void customerLinkRoundTrips() {
        assertThat(ledger.findCustomerLink("hubspot", "9999999", "31000000001", TENANT)).isEmpty();

        ledger.putCustomerLink("hubspot", "9999999", "31000000001", TENANT, "c0ffee00-0000-4000-8000-000000000001", T0);
        assertThat(ledger.findCustomerLink("hubspot", "9999999", "31000000001", TENANT))
                .contains("c0ffee00-0000-4000-8000-000000000001");
        assertThat(ledger.findCustomerLink("hubspot", "9999999", "31000000001", "other-tenant")).isEmpty();

        ledger.putCustomerLink("hubspot", "9999999", "31000000001", TENANT, "c0ffee00-0000-4000-8000-000000000002",
                T0.plusSeconds(1));
        assertThat(ledger.findCustomerLink("hubspot", "9999999", "31000000001", TENANT))
                .contains("c0ffee00-0000-4000-8000-000000000002");
    }

    @Test
    void invoiceIndexRoundTrips() {
        assertThat(ledger.findHandoffByInvoice(TENANT, "inv-0001")).isEmpty();

        ledger.putInvoiceIndex(TENANT, "inv-0001", KEY, T0);
        ledger.putInvoiceIndex(TENANT, "inv-0001", KEY, T0.plusSeconds(1));

        assertThat(ledger.findHandoffByInvoice(TENANT, "inv-0001")).contains(KEY);
    }

    @Test
    void invoiceIndexRejectsSecondHandoff() {
        HandoffKey other = HandoffKey.hubspot("9999999", "48000000002");
        ledger.putInvoiceIndex(TENANT, "inv-0001", KEY, T0);

        assertThatThrownBy(() -> ledger.putInvoiceIndex(TENANT, "inv-0001", other, T0.plusSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already indexed to handoff " + KEY.value())
                .hasCauseInstanceOf(ConditionalCheckFailedException.class);
        assertThat(ledger.findHandoffByInvoice(TENANT, "inv-0001")).contains(KEY);
    }

    @Test
    void amountRoundTripsWithCurrencyScale() {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);

        ledger.update(received, HandoffChange.none()
                .set(Attribute.CURRENCY, "ZAR")
                .set(Attribute.INVOICE_TOTAL, new BigDecimal("11500.00"))
                .set(Attribute.AMOUNT_PAID, new BigDecimal("0.00"))
                .set(Attribute.AMOUNT_DUE, new BigDecimal("11500.005")), T0.plusSeconds(1));
        Handoff stored = ledger.find(KEY).orElseThrow();

        assertThat(stored.invoiceTotal()).isEqualTo(new BigDecimal("11500.00"));
        assertThat(stored.invoiceTotal().scale()).isEqualTo(2);
        assertThat(stored.amountPaid()).isEqualTo(new BigDecimal("0.00"));
        assertThat(stored.amountDue()).isEqualTo(new BigDecimal("11500.005"));
        assertThat(stored.amountCredited()).isNull();
    }

    @Test
    void everyAttributeRoundTrips() {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);
        Instant inFlightSince = Instant.parse("2025-03-03T08:00:01.000000500Z");

        Handoff updated = ledger.update(received, HandoffChange.none()
                .set(Attribute.TENANT_ID, "7c1e2a3b-0000-4000-8000-00000000a002")
                .set(Attribute.CUSTOMER_ID, "c0ffee00-0000-4000-8000-000000000001")
                .set(Attribute.INVOICE_IDEMPOTENCY_KEY, KEY.value() + ":invoice:1")
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

        Handoff expected = new Handoff(KEY, HandoffState.RECEIVED, 2, "7c1e2a3b-0000-4000-8000-00000000a002",
                "9999999:101", "c0ffee00-0000-4000-8000-000000000001", KEY.value() + ":invoice:1", inFlightSince,
                "inv-0001", "INV-0042", "AUTHORISED", "ZAR", new BigDecimal("11500.00"), new BigDecimal("6500.00"),
                new BigDecimal("5000.00"), new BigDecimal("0.00"), "PARTIALLY_PAID", "synced", "none",
                List.of("vat_number", "address"), HandoffState.INVOICED, T0, T0.plusSeconds(2));
        assertThat(updated).isEqualTo(expected);
        assertThat(ledger.find(KEY)).contains(expected);
    }

    @Test
    void emptyBlockedFieldsReadAsEmpty() {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);

        Handoff updated = ledger.update(received, HandoffChange.none().set(Attribute.BLOCKED_FIELDS, List.of()),
                T0.plusSeconds(1));

        assertThat(updated.blockedFields()).isEmpty();
        assertThat(ledger.find(KEY).orElseThrow().blockedFields()).isEmpty();
    }

    @Test
    void blankValueIsRejected() {
        Handoff received = ledger.openHandoff(KEY, TENANT, "9999999:101", T0);

        assertThatThrownBy(() -> ledger.update(received, HandoffChange.none().set(Attribute.INVOICE_ID, " "), T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INVOICE_ID must not be blank");
        assertThatThrownBy(() -> ledger.update(received,
                HandoffChange.none().set(Attribute.BLOCKED_FIELDS, List.of(1)), T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("list of non-blank strings");
        assertThat(ledger.find(KEY)).contains(received);
    }

    @Test
    void guardClausesNameTheArgument() {
        assertThatThrownBy(() -> ledger.recordDelivery("hub#spot", "9999999:101", KEY, T0, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source must not contain '#'");
        assertThatThrownBy(() -> ledger.recordDelivery("hubspot", " ", KEY, T0, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventKey must not be blank");
        assertThatThrownBy(() -> ledger.recordDelivery("hubspot", "9999999:101", KEY, T0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl must be positive");
        assertThatThrownBy(() -> ledger.openHandoff(null, TENANT, "9999999:101", T0))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key is required");
        assertThatThrownBy(() -> ledger.transition(handoff(HandoffState.RECEIVED, 1), null, HandoffChange.none(), T0))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("next is required");
        assertThatThrownBy(() -> ledger.putInvoiceIndex("tenant:1", "inv-0001", KEY, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenantId must not contain ':'");
        assertThatThrownBy(() -> ledger.findCustomerLink("hubspot", "9999999", "", TENANT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("companyId must not be blank");
        assertThatThrownBy(() -> new Ledger(engine.client(), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tableName must not be blank");
    }

    private Map<String, AttributeValue> rawItem(String pk, String sk) {
        return engine.client().getItem(request -> request
                .tableName(ledger.tableName())
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))
                .consistentRead(true)).item();
    }

    private static Handoff handoff(HandoffState state, long version) {
        return new Handoff(KEY, state, version, TENANT, "9999999:101", null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, List.of(), null, T0, T0);
    }
}
