package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.handoff.accounting.xero.auth.StoredXeroTokens;
import dev.handoff.accounting.xero.auth.XeroConnectionStatus;
import dev.handoff.accounting.xero.auth.XeroTokenStore;
import dev.handoff.accounting.xero.auth.XeroTokens;
import dev.handoff.function.xero.XeroTokenKeepAliveHandler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduled keep-alive handler, built from template.yaml's environment for XeroTokenKeepAliveFunction, against
 * the Xero simulator's token endpoint, which rotates the refresh token and rejects a spent one. Each test writes
 * the tenant's token record itself, so the tests do not depend on their order.
 */
class XeroKeepAliveTest {

    private static LocalHandoff local;
    private static XeroTokenStore store;

    @BeforeAll
    static void startLocalHandoff() {
        local = LocalHandoffFixtures.startLocalHandoff();
        store = new XeroTokenStore(local.stack().dynamoDb(), local.stack().resources().tableName("LedgerTable"));
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void weekOldTokenIsRefreshedOnce() {
        String refreshToken = currentRefreshToken();
        store.connect(LocalSettings.TENANT_ID, new XeroTokens("", refreshToken, Instant.EPOCH),
                Instant.now().minus(Duration.ofDays(8)));
        int refreshesBefore = local.xero().refreshCallCount();

        assertThat(runKeepAlive()).isEqualTo("REFRESHED");
        StoredXeroTokens refreshed = store.find(LocalSettings.TENANT_ID).orElseThrow();
        assertThat(refreshed.tokens().refreshToken()).isNotEqualTo(refreshToken);
        assertThat(refreshed.status()).isEqualTo(XeroConnectionStatus.CONNECTED);
        assertThat(refreshed.refreshedAt()).isAfter(Instant.now().minus(Duration.ofMinutes(5)));

        // The token was just refreshed, so a second run leaves it alone.
        assertThat(runKeepAlive()).isEqualTo("FRESH");
        assertThat(local.xero().refreshCallCount()).isEqualTo(refreshesBefore + 1);
        assertThat(store.find(LocalSettings.TENANT_ID).orElseThrow().tokens().refreshToken())
                .isEqualTo(refreshed.tokens().refreshToken());
    }

    @Test
    void dayOldTokenIsNotRefreshed() {
        String refreshToken = currentRefreshToken();
        store.connect(LocalSettings.TENANT_ID, new XeroTokens("", refreshToken, Instant.EPOCH),
                Instant.now().minus(Duration.ofDays(1)));
        int refreshesBefore = local.xero().refreshCallCount();

        assertThat(runKeepAlive()).isEqualTo("FRESH");
        assertThat(local.xero().refreshCallCount()).isEqualTo(refreshesBefore);
        assertThat(store.find(LocalSettings.TENANT_ID).orElseThrow().tokens().refreshToken()).isEqualTo(refreshToken);
    }

    @Test
    void rejectedTokenNeedsReauthorisation() {
        String validToken = currentRefreshToken();
        store.connect(LocalSettings.TENANT_ID, new XeroTokens("", "test-only-spent-refresh-token", Instant.EPOCH),
                Instant.now().minus(Duration.ofDays(8)));
        int rejectedBefore = local.xero().rejectedGrantCount();
        try {
            assertThat(runKeepAlive()).isEqualTo("REAUTH_REQUIRED");
            assertThat(store.find(LocalSettings.TENANT_ID).orElseThrow().status())
                    .isEqualTo(XeroConnectionStatus.REAUTH_REQUIRED);
            assertThat(local.xero().rejectedGrantCount()).isEqualTo(rejectedBefore + 1);

            // A scheduled retry cannot fix a rejected token, so the next run does not call Xero again.
            assertThat(runKeepAlive()).isEqualTo("REAUTH_REQUIRED");
            assertThat(local.xero().rejectedGrantCount()).isEqualTo(rejectedBefore + 1);
        } finally {
            store.connect(LocalSettings.TENANT_ID, new XeroTokens("", validToken, Instant.EPOCH), Instant.now());
        }
    }

    private static String runKeepAlive() {
        XeroTokenKeepAliveHandler handler = new XeroTokenKeepAliveHandler(
                local.stack().environment("XeroTokenKeepAliveFunction"));
        return handler.handleRequest(new ScheduledEvent(), null);
    }

    /** Returns the refresh token the simulator accepts now: the stored one, or the deployment's before any refresh. */
    private static String currentRefreshToken() {
        return store.find(LocalSettings.TENANT_ID)
                .map(stored -> stored.tokens().refreshToken())
                .orElse(LocalSettings.XERO_REFRESH_TOKEN);
    }
}
