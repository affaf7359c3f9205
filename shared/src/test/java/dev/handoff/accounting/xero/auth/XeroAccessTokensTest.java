package dev.handoff.accounting.xero.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.handoff.error.ReauthRequiredException;
import dev.handoff.error.RetryableException;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.observability.Metrics;
import dev.handoff.service.XeroKeepAliveService;
import dev.handoff.testing.EngineTestData;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Token refresh against a WireMock identity server that behaves like Xero's: it rotates the refresh token on
 * every refresh and returns {@code invalid_grant} for a refresh token that was already spent.
 */
@ExtendWith(LocalEnginesExtension.class)
class XeroAccessTokensTest {

    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static final String TOKEN_PATH = "/connect/token";

    private final String tenant = "0c6f0a3e-0000-4000-8000-0000000" + (10_000 + TENANTS.incrementAndGet());
    private final Clock clock = Clock.systemUTC();
    private WireMockServer identityServer;
    private XeroTokenStore store;
    private XeroIdentityClient identity;

    @BeforeAll
    static void awaitTable(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        EngineTestData.awaitTable(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeEach
    void start(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        identityServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        identityServer.start();
        store = new XeroTokenStore(dynamoDb, resources.tableName("LedgerTable"));
        URI base = URI.create("http://127.0.0.1:" + identityServer.port());
        identity = new XeroIdentityClient("test-only-client-id", "test-only-client-secret",
                base.resolve(TOKEN_PATH), base.resolve("/connections"), clock);
    }

    @AfterEach
    void stop() {
        identityServer.stop();
    }

    @RepeatedTest(5)
    void concurrentRefreshersShareOneRotation() throws Exception {
        store.seed(tenant, new XeroTokens("at-1", "rt-1", Instant.now().minusSeconds(60)), Instant.now().minus(Duration.ofDays(1)));
        stubRotatingIdentityServer();
        XeroAccessTokens first = tokens(new Metrics("a", clock, line -> { }));
        XeroAccessTokens second = tokens(new Metrics("b", clock, line -> { }));

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> results = new ArrayList<>();
        try {
            for (XeroAccessTokens instance : List.of(first, second)) {
                Callable<String> call = () -> {
                    start.await();
                    return instance.get();
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            assertThat(results.get(0).get()).isEqualTo("at-2");
            assertThat(results.get(1).get()).isEqualTo("at-2");
        } finally {
            pool.shutdownNow();
        }

        identityServer.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH)));
        StoredXeroTokens stored = store.find(tenant).orElseThrow();
        assertThat(stored.tokens().refreshToken()).isEqualTo("rt-2");
        assertThat(stored.status()).isEqualTo(XeroConnectionStatus.CONNECTED);
        assertThat(stored.refreshLeaseOwner()).isNull();
    }

    @Test
    void validTokenIsUsedWithoutRefresh() {
        store.seed(tenant, new XeroTokens("at-1", "rt-1", Instant.now().plus(Duration.ofMinutes(25))), Instant.now());

        assertThat(tokens(new Metrics("a", clock, line -> { })).get()).isEqualTo("at-1");

        identityServer.verify(0, postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    @Test
    void rejectedRefreshMarksTenantReauthRequired() {
        store.seed(tenant, new XeroTokens("at-1", "rt-revoked", Instant.now().minusSeconds(1)), Instant.now());
        identityServer.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid_grant\"}")));
        Metrics metrics = new Metrics("a", clock, line -> { });
        XeroAccessTokens instance = tokens(metrics);

        assertThatThrownBy(instance::get).isInstanceOf(ReauthRequiredException.class)
                .hasMessageContaining(tenant).hasMessageContaining("connect xero");
        assertThatThrownBy(instance::get).isInstanceOf(ReauthRequiredException.class);

        assertThat(store.find(tenant).orElseThrow().status()).isEqualTo(XeroConnectionStatus.REAUTH_REQUIRED);
        assertThat(metrics.total(XeroAccessTokens.REAUTH_METRIC)).isEqualTo(1);
        identityServer.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    @Test
    void connectClearsReauthRequired() {
        store.seed(tenant, new XeroTokens("at-1", "rt-revoked", Instant.now().minusSeconds(1)), Instant.now());
        identityServer.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_grant\"}")));
        XeroAccessTokens instance = tokens(new Metrics("a", clock, line -> { }));
        assertThatThrownBy(instance::get).isInstanceOf(ReauthRequiredException.class);

        store.connect(tenant, new XeroTokens("at-new", "rt-new", Instant.now().plus(Duration.ofMinutes(30))), Instant.now());

        assertThat(instance.get()).isEqualTo("at-new");
    }

    @Test
    void keepAliveRefreshesOnlyOldTokens() {
        store.seed(tenant, new XeroTokens("at-1", "rt-1", Instant.now().plus(Duration.ofMinutes(25))),
                Instant.now().minus(Duration.ofDays(8)));
        stubRotatingIdentityServer();
        XeroAccessTokens instance = tokens(new Metrics("a", clock, line -> { }));

        assertThat(instance.refreshIfOlderThan(Duration.ofDays(7))).isTrue();
        assertThat(instance.refreshIfOlderThan(Duration.ofDays(7))).isFalse();

        assertThat(store.find(tenant).orElseThrow().tokens().refreshToken()).isEqualTo("rt-2");
        identityServer.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    @Test
    void keepAliveSkipsTenantNeedingReauth() {
        store.seed(tenant, new XeroTokens("at-1", "rt-revoked", Instant.now().minusSeconds(1)),
                Instant.now().minus(Duration.ofDays(8)));
        identityServer.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_grant\"}")));
        XeroKeepAliveService keepAlive = new XeroKeepAliveService(tokens(new Metrics("a", clock, line -> { })));

        assertThat(keepAlive.run()).isEqualTo(XeroKeepAliveService.Outcome.REAUTH_REQUIRED);
        assertThat(keepAlive.run()).isEqualTo(XeroKeepAliveService.Outcome.REAUTH_REQUIRED);

        identityServer.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    @Test
    void failedRefreshReleasesLease() {
        store.seed(tenant, new XeroTokens("at-1", "rt-1", Instant.now().minusSeconds(1)), Instant.now());
        identityServer.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(503)));
        XeroAccessTokens instance = tokens(new Metrics("a", clock, line -> { }));

        assertThatThrownBy(instance::get).isInstanceOf(RetryableException.class);

        StoredXeroTokens stored = store.find(tenant).orElseThrow();
        assertThat(stored.refreshLeaseOwner()).isNull();
        assertThat(stored.status()).isEqualTo(XeroConnectionStatus.CONNECTED);
        assertThat(stored.tokens().refreshToken()).isEqualTo("rt-1");
    }

    @Test
    void rejectionAfterReconnectUsesNewTokens(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        // The operator reconnects right after this instance took the lease, which revokes the old refresh token.
        XeroTokenStore reconnecting = new XeroTokenStore(dynamoDb, resources.tableName("LedgerTable")) {
            @Override
            public Optional<StoredXeroTokens> claimRefresh(StoredXeroTokens current, String owner, Instant leaseUntil, Instant now) {
                Optional<StoredXeroTokens> leased = super.claimRefresh(current, owner, leaseUntil, now);
                connect(tenant, new XeroTokens("at-new", "rt-new", Instant.now().plus(Duration.ofMinutes(30))), Instant.now());
                return leased;
            }
        };
        reconnecting.seed(tenant, new XeroTokens("at-1", "rt-1", Instant.now().minusSeconds(1)), Instant.now());
        identityServer.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_grant\"}")));
        Metrics metrics = new Metrics("a", clock, line -> { });
        XeroAccessTokens instance = new XeroAccessTokens(tenant, reconnecting, identity, metrics, clock,
                XeroAccessTokens.Sleeper.THREAD, Duration.ofMillis(20));

        assertThat(instance.get()).isEqualTo("at-new");
        assertThat(store.find(tenant).orElseThrow().status()).isEqualTo(XeroConnectionStatus.CONNECTED);
        assertThat(metrics.total(XeroAccessTokens.REAUTH_METRIC)).isZero();
    }

    @Test
    void rejectedTokenIsRefreshedBeforeExpiry() {
        store.seed(tenant, new XeroTokens("at-1", "rt-1", Instant.now().plus(Duration.ofMinutes(25))), Instant.now());
        stubRotatingIdentityServer();
        XeroAccessTokens first = tokens(new Metrics("a", clock, line -> { }));
        XeroAccessTokens second = tokens(new Metrics("b", clock, line -> { }));
        assertThat(first.get()).isEqualTo("at-1");
        assertThat(second.get()).isEqualTo("at-1");

        first.reject("at-1");
        second.reject("at-1");

        assertThat(first.get()).isEqualTo("at-2");
        assertThat(second.get()).isEqualTo("at-2");
        identityServer.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    @Test
    void seedKeepsExistingRecord() {
        assertThat(store.seed(tenant, new XeroTokens("at-1", "rt-1", Instant.now()), Instant.now())).isTrue();
        assertThat(store.seed(tenant, new XeroTokens("at-0", "rt-0", Instant.now()), Instant.now())).isFalse();

        assertThat(store.find(tenant).orElseThrow().tokens().refreshToken()).isEqualTo("rt-1");
    }

    private XeroAccessTokens tokens(Metrics metrics) {
        return new XeroAccessTokens(tenant, store, identity, metrics, clock, XeroAccessTokens.Sleeper.THREAD,
                Duration.ofMillis(20));
    }

    /**
     * Stubs rt-1 to work once and return rt-2. Spent rt-1 then gets invalid_grant, as Xero returns outside the
     * grace period.
     */
    private void stubRotatingIdentityServer() {
        identityServer.stubFor(post(urlEqualTo(TOKEN_PATH)).inScenario("rotation")
                .whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(containing("refresh_token=rt-1"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(300)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id_token\":\"id-2\",\"access_token\":\"at-2\",\"expires_in\":1800,"
                                + "\"token_type\":\"Bearer\",\"refresh_token\":\"rt-2\",\"scope\":\"offline_access\"}"))
                .willSetStateTo("rotated"));
        identityServer.stubFor(post(urlEqualTo(TOKEN_PATH)).inScenario("rotation")
                .whenScenarioStateIs("rotated")
                .withRequestBody(containing("refresh_token=rt-1"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_grant\"}")));
    }
}
