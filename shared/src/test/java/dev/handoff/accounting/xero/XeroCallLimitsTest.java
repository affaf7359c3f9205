package dev.handoff.accounting.xero;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.handoff.accounting.CallReservation;
import dev.handoff.error.ThrottledException;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.observability.Metrics;
import dev.handoff.ratelimit.ConcurrencyLease;
import dev.handoff.ratelimit.RequestBudget;
import dev.handoff.ratelimit.ScopePause;
import dev.handoff.testing.EngineTestData;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Two XeroClient "instances" sharing the ledger's call limits, against a WireMock Xero that returns 429. */
@ExtendWith(LocalEnginesExtension.class)
class XeroCallLimitsTest {

    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static final String INVOICE_ID = "8e2b1c44-0000-4000-8000-000000000001";

    private final String tenant = "0c6f0a3e-0000-4000-8000-00000002" + (1000 + TENANTS.incrementAndGet());
    private final Clock clock = Clock.systemUTC();
    private final Metrics metrics = new Metrics("test", clock, line -> { });
    private WireMockServer xero;
    private XeroClient first;
    private XeroClient second;

    @BeforeAll
    static void awaitTable(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        EngineTestData.awaitTable(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeEach
    void start(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        xero = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        xero.start();
        String table = resources.tableName("LedgerTable");
        first = client(dynamoDb, table);
        second = client(dynamoDb, table);
    }

    @AfterEach
    void stop() {
        xero.stop();
    }

    @Test
    void dayLimitPausesTenantForEveryInstance() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "5400").withHeader("X-Rate-Limit-Problem", "day")));

        assertThatThrownBy(() -> first.getInvoice(INVOICE_ID)).isInstanceOf(ThrottledException.class);
        assertThatThrownBy(() -> second.getInvoice(INVOICE_ID))
                .isInstanceOfSatisfying(ThrottledException.class, e -> {
                    assertThat(e.delay()).isGreaterThan(Duration.ofMinutes(89));
                    assertThat(e.getMessage()).contains("xero:tenant:" + tenant).contains("paused");
                });

        xero.verify(1, anyRequestedFor(anyUrl()));
        assertThat(metrics.total(XeroCallLimits.LIMIT_PAUSE_METRIC)).isEqualTo(1);
    }

    // Older responses spelt the day limit "Daily", and that spelling must still raise the alert.
    @ParameterizedTest
    @ValueSource(strings = {"Daily", "DAY", "DayLimit"})
    void daySpellingsRaiseAlert(String problem) {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "5400").withHeader("X-Rate-Limit-Problem", problem)));

        assertThatThrownBy(() -> first.getInvoice(INVOICE_ID)).isInstanceOf(ThrottledException.class);
        assertThatThrownBy(() -> second.getInvoice(INVOICE_ID)).isInstanceOf(ThrottledException.class);

        xero.verify(1, anyRequestedFor(anyUrl()));
        assertThat(metrics.total(XeroCallLimits.LIMIT_PAUSE_METRIC)).isEqualTo(1);
    }

    @Test
    void minuteLimitPausesWithoutAlert() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "37").withHeader("X-Rate-Limit-Problem", "minute")));

        assertThatThrownBy(() -> first.getInvoice(INVOICE_ID)).isInstanceOf(ThrottledException.class);
        assertThatThrownBy(() -> second.getInvoice(INVOICE_ID)).isInstanceOf(ThrottledException.class);

        xero.verify(1, anyRequestedFor(anyUrl()));
        assertThat(metrics.total(XeroCallLimits.LIMIT_PAUSE_METRIC)).isZero();
    }

    @Test
    void callsWithinLimitsReachXero() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).willReturn(okJson(
                "{\"Invoices\":[{\"InvoiceID\":\"" + INVOICE_ID + "\",\"Status\":\"AUTHORISED\",\"Total\":11500.00,"
                        + "\"AmountDue\":11500.00,\"AmountPaid\":0.00,\"AmountCredited\":0.00}]}")));

        for (int i = 0; i < 10; i++) {
            (i % 2 == 0 ? first : second).getInvoice(INVOICE_ID);
        }

        xero.verify(10, anyRequestedFor(anyUrl()));
    }

    @Test
    void shortBudgetStopsStepBeforeFirstCall() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).willReturn(okJson(
                "{\"Invoices\":[{\"InvoiceID\":\"" + INVOICE_ID + "\",\"Status\":\"AUTHORISED\",\"Total\":11500.00,"
                        + "\"AmountDue\":11500.00,\"AmountPaid\":0.00,\"AmountCredited\":0.00}]}")));
        for (int i = 0; i < XeroCallLimits.TENANT_MINUTE_BUDGET - 2; i++) {
            first.getInvoice(INVOICE_ID);
        }

        assertThatThrownBy(() -> second.reserveCalls(3)).isInstanceOf(ThrottledException.class);

        try (CallReservation reserved = second.reserveCalls(2)) {
            second.getInvoice(INVOICE_ID);
            second.getInvoice(INVOICE_ID);
        }
        xero.verify(XeroCallLimits.TENANT_MINUTE_BUDGET, anyRequestedFor(anyUrl()));
    }

    private XeroClient client(DynamoDbClient dynamoDb, String table) {
        XeroCallLimits limits = new XeroCallLimits(new RequestBudget(dynamoDb, table), new ConcurrencyLease(dynamoDb, table),
                new ScopePause(dynamoDb, table), metrics, clock);
        return XeroClient.builder(tenant, () -> "test-only-access-token")
                .baseUrl(URI.create("http://127.0.0.1:" + xero.port() + "/api.xro/2.0"))
                .requestTimeout(Duration.ofSeconds(5))
                .callLimits(limits)
                .build();
    }
}
