package dev.handoff.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.accounting.xero.XeroCallLimits;
import dev.handoff.error.ThrottledException;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.observability.Metrics;
import dev.handoff.testing.EngineTestData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Request budgets and concurrency leases on dynalite, each "instance" with its own objects and one table. */
@ExtendWith(LocalEnginesExtension.class)
class SharedLimitsTest {

    private static final Instant T0 = Instant.parse("2026-03-31T16:00:10Z");
    private static final AtomicInteger SCOPES = new AtomicInteger();

    private final String scope = "test:scope:" + SCOPES.incrementAndGet();
    private RequestBudget firstInstance;
    private RequestBudget secondInstance;
    private ConcurrencyLease firstLease;
    private ConcurrencyLease secondLease;
    private DynamoDbClient dynamoDb;
    private String table;

    @BeforeAll
    static void awaitTable(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        EngineTestData.awaitTable(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeEach
    void create(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.table = resources.tableName("LedgerTable");
        firstInstance = new RequestBudget(dynamoDb, table);
        secondInstance = new RequestBudget(dynamoDb, table);
        firstLease = new ConcurrencyLease(dynamoDb, table);
        secondLease = new ConcurrencyLease(dynamoDb, table);
    }

    @Test
    void twoInstancesSpendOneBudget() {
        for (int i = 0; i < 3; i++) {
            firstInstance.spend(scope, 6, Duration.ofMinutes(1), T0);
            secondInstance.spend(scope, 6, Duration.ofMinutes(1), T0.plusSeconds(i));
        }

        assertThatThrownBy(() -> secondInstance.spend(scope, 6, Duration.ofMinutes(1), T0.plusSeconds(10)))
                .isInstanceOfSatisfying(ThrottledException.class,
                        e -> assertThat(e.delay()).isEqualTo(Duration.ofSeconds(40)));
    }

    @Test
    void budgetRefillsInNextWindow() {
        firstInstance.spend(scope, 1, Duration.ofMinutes(1), T0);
        assertThatThrownBy(() -> secondInstance.spend(scope, 1, Duration.ofMinutes(1), T0.plusSeconds(5)))
                .isInstanceOf(ThrottledException.class);

        secondInstance.spend(scope, 1, Duration.ofMinutes(1), T0.plusSeconds(50));
    }

    @Test
    void leaseAllowsOnlyConfiguredSlots() {
        List<ConcurrencyLease.Lease> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add((i % 2 == 0 ? firstLease : secondLease).acquire(scope, 5, Duration.ofSeconds(30), T0));
        }

        assertThat(held).extracting(ConcurrencyLease.Lease::slot).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        assertThatThrownBy(() -> secondLease.acquire(scope, 5, Duration.ofSeconds(30), T0))
                .isInstanceOf(ThrottledException.class).hasMessageContaining("5 concurrent call slots");
    }

    @Test
    void closedLeaseFreesSlot() {
        ConcurrencyLease.Lease only = firstLease.acquire(scope, 1, Duration.ofSeconds(30), T0);
        assertThatThrownBy(() -> secondLease.acquire(scope, 1, Duration.ofSeconds(30), T0))
                .isInstanceOf(ThrottledException.class);

        only.close();

        assertThat(secondLease.acquire(scope, 1, Duration.ofSeconds(30), T0).slot()).isZero();
    }

    @Test
    void expiredLeaseIsTakenOver() {
        ConcurrencyLease.Lease crashed = firstLease.acquire(scope, 1, Duration.ofSeconds(30), T0);

        ConcurrencyLease.Lease next = secondLease.acquire(scope, 1, Duration.ofSeconds(30), T0.plusSeconds(31));
        crashed.close();

        assertThatThrownBy(() -> firstLease.acquire(scope, 1, Duration.ofSeconds(30), T0.plusSeconds(32)))
                .isInstanceOf(ThrottledException.class);
        assertThat(next.slot()).isZero();
    }

    @Test
    void xeroLimitsStopCallAfterMinuteBudget() {
        XeroCallLimits first = xeroLimits(1);
        XeroCallLimits second = xeroLimits(1);
        String tenant = "0c6f0a3e-0000-4000-8000-limits" + SCOPES.incrementAndGet();

        for (int i = 0; i < XeroCallLimits.TENANT_MINUTE_BUDGET; i++) {
            (i % 2 == 0 ? first : second).enter(tenant).close();
        }

        assertThatThrownBy(() -> second.enter(tenant))
                .isInstanceOfSatisfying(ThrottledException.class,
                        e -> assertThat(e.getMessage()).contains("xero:tenant:" + tenant + ":minute"));
    }

    @Test
    void rollingBudgetStopsBurstAcrossMinute() {
        Instant lastSecond = Instant.parse("2026-03-31T16:00:59Z");
        for (int i = 0; i < 55; i++) {
            firstInstance.spendRolling(scope, 55, Duration.ofMinutes(1), lastSecond);
        }

        // A fixed minute window would start afresh at 16:01:00 and admit 55 more within two seconds.
        assertThatThrownBy(() -> secondInstance.spendRolling(scope, 55, Duration.ofMinutes(1), lastSecond.plusSeconds(2)))
                .isInstanceOf(ThrottledException.class).hasMessageContaining(scope);
    }

    @Test
    void rollingBudgetKeepsLimitInAnyMinute() {
        List<Instant> admitted = new ArrayList<>();
        for (int attempt = 0; attempt < 360; attempt++) {
            Instant now = T0.plusMillis(500L * attempt);
            try {
                (attempt % 2 == 0 ? firstInstance : secondInstance).spendRolling(scope, 55, Duration.ofMinutes(1), now);
                admitted.add(now);
            } catch (ThrottledException spent) {
                // A caller would wait, and the next attempt comes half a second later.
            }
        }

        int busiestMinute = 0;
        for (Instant start : admitted) {
            long inMinute = admitted.stream().filter(at -> !at.isBefore(start) && at.isBefore(start.plusSeconds(60))).count();
            busiestMinute = Math.max(busiestMinute, (int) inMinute);
        }
        assertThat(busiestMinute).isEqualTo(55);
        assertThat(admitted.size()).isGreaterThanOrEqualTo(3 * 50 - 5);
    }

    @Test
    void xeroLimitsFollowTimeScale() {
        XeroCallLimits scaled = xeroLimits(60);
        String tenant = "0c6f0a3e-0000-4000-8000-scaled" + SCOPES.incrementAndGet();

        for (int i = 0; i < XeroCallLimits.TENANT_MINUTE_BUDGET; i++) {
            scaled.enter(tenant).close();
        }

        // At time scale 60 a Xero minute lasts one second, so the wait runs to the end of a 33 ms slice.
        assertThatThrownBy(() -> scaled.enter(tenant)).isInstanceOfSatisfying(ThrottledException.class,
                e -> assertThat(e.delay()).isLessThanOrEqualTo(Duration.ofMillis(33)));
    }

    @Test
    void rollingSpendTakesAllOrNothing() {
        firstInstance.spendRolling(scope, 5, Duration.ofMinutes(1), T0, 3);

        assertThatThrownBy(() -> secondInstance.spendRolling(scope, 5, Duration.ofMinutes(1), T0, 3))
                .isInstanceOf(ThrottledException.class);
        secondInstance.spendRolling(scope, 5, Duration.ofMinutes(1), T0, 2);
        assertThatThrownBy(() -> firstInstance.spendRolling(scope, 5, Duration.ofMinutes(1), T0))
                .isInstanceOf(ThrottledException.class);
    }

    @Test
    void refundGivesBackUnusedRequests() {
        RequestBudget.Spent spent = firstInstance.spendRolling(scope, 5, Duration.ofMinutes(1), T0, 4);

        secondInstance.refund(spent, 3);

        secondInstance.spendRolling(scope, 5, Duration.ofMinutes(1), T0.plusSeconds(1), 4);
        assertThatThrownBy(() -> firstInstance.spendRolling(scope, 5, Duration.ofMinutes(1), T0.plusSeconds(2)))
                .isInstanceOf(ThrottledException.class);
    }

    @Test
    void requireRollingChecksWithoutSpending() {
        firstInstance.spendRolling(scope, 5, Duration.ofMinutes(1), T0, 3);

        secondInstance.requireRolling(scope, 5, Duration.ofMinutes(1), T0, 2);
        assertThatThrownBy(() -> secondInstance.requireRolling(scope, 5, Duration.ofMinutes(1), T0, 3))
                .isInstanceOf(ThrottledException.class);

        // The checks spent nothing, so the two calls left still fit.
        firstInstance.spendRolling(scope, 5, Duration.ofMinutes(1), T0.plusSeconds(1), 2);
    }

    @Test
    void refundRejectsMoreThanSpent() {
        RequestBudget.Spent spent = firstInstance.spend(scope, 5, Duration.ofMinutes(1), T0, 2);

        assertThatThrownBy(() -> firstInstance.refund(spent, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void xeroReservationPaysForStepCalls() {
        XeroCallLimits first = xeroLimits(1);
        XeroCallLimits second = xeroLimits(1);
        String tenant = "0c6f0a3e-0000-4000-8000-reserve" + SCOPES.incrementAndGet();

        try (XeroCallLimits.Reservation reserved = first.reserve(tenant, 4)) {
            first.enter(tenant).close();
            first.enter(tenant).close();
            int othersLeft = XeroCallLimits.TENANT_MINUTE_BUDGET - 4;
            for (int i = 0; i < othersLeft; i++) {
                second.enter(tenant).close();
            }
            assertThatThrownBy(() -> second.enter(tenant)).isInstanceOf(ThrottledException.class);
        }

        // Closing gave back the two calls the step did not make.
        second.enter(tenant).close();
        second.enter(tenant).close();
        assertThatThrownBy(() -> second.enter(tenant)).isInstanceOf(ThrottledException.class);
    }

    @Test
    void xeroReservationBeyondBudgetSpendsNothing() {
        XeroCallLimits limits = xeroLimits(1);
        String tenant = "0c6f0a3e-0000-4000-8000-reserve" + SCOPES.incrementAndGet();
        for (int i = 0; i < XeroCallLimits.TENANT_MINUTE_BUDGET - 3; i++) {
            limits.enter(tenant).close();
        }

        assertThatThrownBy(() -> limits.reserve(tenant, 4)).isInstanceOf(ThrottledException.class);

        // The failed reservation spent nothing, so three single calls still fit.
        for (int i = 0; i < 3; i++) {
            limits.enter(tenant).close();
        }
        assertThatThrownBy(() -> limits.enter(tenant)).isInstanceOf(ThrottledException.class);
    }

    @Test
    void xeroReservationIsOnePerThread() {
        XeroCallLimits limits = xeroLimits(1);
        String tenant = "0c6f0a3e-0000-4000-8000-reserve" + SCOPES.incrementAndGet();

        try (XeroCallLimits.Reservation reserved = limits.reserve(tenant, 2)) {
            assertThatThrownBy(() -> limits.reserve(tenant, 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void xeroLimitsRejectTimeScaleBelowOne() {
        assertThatThrownBy(() -> xeroLimits(0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pauseOnlyExtends() {
        ScopePause pause = new ScopePause(dynamoDb, table);
        pause.pause(scope, T0.plusSeconds(60));
        pause.pause(scope, T0.plusSeconds(30));

        assertThatThrownBy(() -> pause.check(scope, T0))
                .isInstanceOfSatisfying(ThrottledException.class, e -> assertThat(e.delay()).isEqualTo(Duration.ofSeconds(60)));
        pause.check(scope, T0.plusSeconds(61));
    }

    /** Creates one instance's Xero limits on the shared table, with a clock fixed at {@link #T0}. */
    private XeroCallLimits xeroLimits(double timeScale) {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        return new XeroCallLimits(new RequestBudget(dynamoDb, table), new ConcurrencyLease(dynamoDb, table),
                new ScopePause(dynamoDb, table), new Metrics("test", clock, line -> { }), clock, timeScale);
    }
}
