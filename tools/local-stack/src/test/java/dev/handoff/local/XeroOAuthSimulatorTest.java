package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.accounting.xero.XeroClient;
import dev.handoff.accounting.xero.auth.RefreshTokenRejectedException;
import dev.handoff.accounting.xero.auth.XeroConnection;
import dev.handoff.accounting.xero.auth.XeroIdentityClient;
import dev.handoff.accounting.xero.auth.XeroTokens;
import dev.handoff.domain.TaxCategory;
import dev.handoff.simulator.xero.XeroSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Handoff's identity client against the Xero simulator's OAuth 2.0 endpoints. */
class XeroOAuthSimulatorTest {

    private XeroSimulator xero;
    private XeroIdentityClient identity;

    @BeforeEach
    void start() {
        xero = XeroSimulator.builder().tenant(LocalSettings.TENANT_ID).accessToken(LocalSettings.XERO_ACCESS_TOKEN)
                .oauthClient(LocalSettings.XERO_CLIENT_ID, LocalSettings.XERO_CLIENT_SECRET)
                .refreshToken(LocalSettings.XERO_REFRESH_TOKEN)
                .start();
        identity = new XeroIdentityClient(LocalSettings.XERO_CLIENT_ID, LocalSettings.XERO_CLIENT_SECRET,
                xero.tokenUrl(), xero.connectionsUrl(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        xero.close();
    }

    @Test
    void refreshRotatesAndRejectsSpentToken() {
        XeroTokens first = identity.refresh(LocalSettings.XERO_REFRESH_TOKEN);

        assertThat(first.refreshToken()).isNotEqualTo(LocalSettings.XERO_REFRESH_TOKEN);
        assertThatThrownBy(() -> identity.refresh(LocalSettings.XERO_REFRESH_TOKEN))
                .isInstanceOf(RefreshTokenRejectedException.class);
        assertThat(identity.refresh(first.refreshToken()).accessToken()).isNotEqualTo(first.accessToken());
        assertThat(xero.rejectedGrantCount()).isEqualTo(1);
    }

    @Test
    void issuedAccessTokenCallsApi() {
        XeroTokens tokens = identity.refresh(LocalSettings.XERO_REFRESH_TOKEN);
        XeroClient client = XeroClient.builder(LocalSettings.TENANT_ID, tokens::accessToken).baseUrl(xero.baseUrl()).build();

        assertThat(client.taxTypeFor(TaxCategory.STANDARD)).isEqualTo("OUTPUT3");
    }

    @Test
    void connectionsListConfiguredTenant() {
        XeroTokens tokens = identity.refresh(LocalSettings.XERO_REFRESH_TOKEN);

        assertThat(identity.connections(tokens.accessToken())).extracting(XeroConnection::tenantId)
                .containsExactly(LocalSettings.TENANT_ID);
    }

    @Test
    void authorisationCodeExchangesOnce() throws Exception {
        URI redirect = URI.create("http://127.0.0.1:1/callback");
        URI authorize = URI.create(xero.authorizeUrl() + "?response_type=code&client_id=" + LocalSettings.XERO_CLIENT_ID
                + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcallback&scope=offline_access&state=state-1");
        HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(authorize).build(),
                HttpResponse.BodyHandlers.discarding());
        URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
        String code = location.getQuery().replaceAll(".*code=([^&]+).*", "$1");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(location.getQuery()).endsWith("state=state-1");
        assertThat(identity.exchangeCode(code, redirect).refreshToken()).startsWith("sim-refresh-");
        assertThatThrownBy(() -> identity.exchangeCode(code, redirect)).isInstanceOf(RefreshTokenRejectedException.class);
    }
}
