package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.accounting.xero.auth.RefreshTokenRejectedException;
import dev.handoff.accounting.xero.auth.StoredXeroTokens;
import dev.handoff.accounting.xero.auth.XeroAccessTokens;
import dev.handoff.accounting.xero.auth.XeroConnectionStatus;
import dev.handoff.accounting.xero.auth.XeroIdentityClient;
import dev.handoff.accounting.xero.auth.XeroTokenStore;
import dev.handoff.accounting.xero.auth.XeroTokens;
import dev.handoff.error.ReauthRequiredException;
import dev.handoff.error.RetryableException;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.observability.Metrics;
import dev.handoff.simulator.xero.XeroSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Xero's 30-minute grace period for a spent refresh token, on the simulator: it lets Handoff recover from a refresh
 * whose response was lost, on the real ledger (dynalite). Each test uses its own tenant.
 */
@ExtendWith(LocalEnginesExtension.class)
class XeroRefreshGraceTest {

    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static final String FIRST_REFRESH_TOKEN = "test-only-grace-refresh-token-0";

    private final String tenant = "0c6f0a3e-0000-4000-8000-0000000" + (20_000 + TENANTS.incrementAndGet());
    private final AtomicReference<Instant> simulatorTime = new AtomicReference<>(Instant.parse("2026-03-01T06:00:00Z"));
    private final XeroTokenStore store;
    private XeroSimulator xero;

    XeroRefreshGraceTest(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.store = new XeroTokenStore(dynamoDb, resources.tableName("LedgerTable"));
    }

    @AfterEach
    void stop() {
        if (xero != null) {
            xero.close();
        }
    }

    @Test
    void spentTokenWorksUntilGraceEnds() {
        XeroIdentityClient identity = identity(Duration.ofMinutes(30));
        identity.refresh(FIRST_REFRESH_TOKEN);

        simulatorTime.set(simulatorTime.get().plus(Duration.ofMinutes(29)));
        assertThat(identity.refresh(FIRST_REFRESH_TOKEN).refreshToken()).isNotEqualTo(FIRST_REFRESH_TOKEN);

        simulatorTime.set(simulatorTime.get().plus(Duration.ofMinutes(2)));
        assertThatThrownBy(() -> identity.refresh(FIRST_REFRESH_TOKEN)).isInstanceOf(RefreshTokenRejectedException.class);
        assertThat(xero.rejectedGrantCount()).isEqualTo(1);
    }

    @Test
    void lostRefreshResponseRecoversInGrace() {
        XeroAccessTokens tokens = accessTokens(identity(Duration.ofMinutes(30)));
        xero.loseRefreshResponses(1);

        assertThatThrownBy(tokens::get).isInstanceOf(RetryableException.class);
        StoredXeroTokens afterLoss = store.find(tenant).orElseThrow();
        assertThat(afterLoss.tokens().refreshToken()).isEqualTo(FIRST_REFRESH_TOKEN);
        assertThat(afterLoss.refreshLeaseOwner()).isNull();

        String accessToken = tokens.get();

        StoredXeroTokens recovered = store.find(tenant).orElseThrow();
        assertThat(recovered.tokens().accessToken()).isEqualTo(accessToken);
        assertThat(recovered.tokens().refreshToken()).isNotEqualTo(FIRST_REFRESH_TOKEN);
        assertThat(recovered.status()).isEqualTo(XeroConnectionStatus.CONNECTED);
        assertThat(xero.refreshCallCount()).isEqualTo(2);
        assertThat(xero.rejectedGrantCount()).isZero();
    }

    // Without the grace period a lost response costs the connection. With it, the next attempt reuses the spent token.
    @Test
    void lostRefreshResponseWithoutGraceNeedsReconnect() {
        XeroAccessTokens tokens = accessTokens(identity(Duration.ZERO));
        xero.loseRefreshResponses(1);

        assertThatThrownBy(tokens::get).isInstanceOf(RetryableException.class);
        assertThatThrownBy(tokens::get).isInstanceOf(ReauthRequiredException.class);
        assertThat(store.find(tenant).orElseThrow().status()).isEqualTo(XeroConnectionStatus.REAUTH_REQUIRED);
    }

    private XeroIdentityClient identity(Duration gracePeriod) {
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return simulatorTime.get();
            }
        };
        xero = XeroSimulator.builder().tenant(tenant).accessToken(LocalSettings.XERO_ACCESS_TOKEN)
                .oauthClient(LocalSettings.XERO_CLIENT_ID, LocalSettings.XERO_CLIENT_SECRET)
                .refreshToken(FIRST_REFRESH_TOKEN)
                .refreshGracePeriod(gracePeriod)
                .clock(clock)
                .start();
        return new XeroIdentityClient(LocalSettings.XERO_CLIENT_ID, LocalSettings.XERO_CLIENT_SECRET,
                xero.tokenUrl(), xero.connectionsUrl(), Clock.systemUTC());
    }

    private XeroAccessTokens accessTokens(XeroIdentityClient identity) {
        store.seed(tenant, new XeroTokens("", FIRST_REFRESH_TOKEN, Instant.EPOCH), Instant.now());
        return new XeroAccessTokens(tenant, store, identity, new Metrics("test", Clock.systemUTC(), line -> { }),
                Clock.systemUTC());
    }
}
