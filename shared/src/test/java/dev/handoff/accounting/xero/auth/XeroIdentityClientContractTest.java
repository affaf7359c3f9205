package dev.handoff.accounting.xero.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.RetryableException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class XeroIdentityClientContractTest {

    private static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");
    // Base64 of "test-only-client-id:test-only-client-secret".
    private static final String BASIC = "Basic dGVzdC1vbmx5LWNsaWVudC1pZDp0ZXN0LW9ubHktY2xpZW50LXNlY3JldA==";
    private static final String TOKEN_RESPONSE = "{\"id_token\":\"id\",\"access_token\":\"at-2\",\"expires_in\":1800,"
            + "\"token_type\":\"Bearer\",\"refresh_token\":\"rt-2\",\"scope\":\"openid offline_access\"}";

    private WireMockServer server;
    private XeroIdentityClient client;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.port());
        client = new XeroIdentityClient("test-only-client-id", "test-only-client-secret", base.resolve("/connect/token"),
                base.resolve("/connections"), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void refreshSendsBasicAuthAndForm() {
        server.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(TOKEN_RESPONSE)));

        XeroTokens tokens = client.refresh("rt-1/with+chars");

        assertThat(tokens.accessToken()).isEqualTo("at-2");
        assertThat(tokens.refreshToken()).isEqualTo("rt-2");
        assertThat(tokens.accessTokenExpiresAt()).isEqualTo(NOW.plusSeconds(1800));
        server.verify(postRequestedFor(urlEqualTo("/connect/token"))
                .withHeader("Authorization", equalTo(BASIC))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("grant_type=refresh_token&refresh_token=rt-1%2Fwith%2Bchars")));
    }

    @Test
    void codeExchangeSendsRedirectUri() {
        server.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(200).withBody(TOKEN_RESPONSE)));

        client.exchangeCode("code-1", URI.create("http://127.0.0.1:5173/callback"));

        server.verify(postRequestedFor(urlEqualTo("/connect/token")).withRequestBody(equalTo(
                "grant_type=authorization_code&code=code-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A5173%2Fcallback")));
    }

    @Test
    void invalidGrantIsRejectedRefreshToken() {
        server.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_grant\"}")));

        assertThatThrownBy(() -> client.refresh("rt-1")).isInstanceOf(RefreshTokenRejectedException.class)
                .hasMessageContaining("invalid_grant");
    }

    @Test
    void invalidClientIsConfigurationError() {
        server.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_client\"}")));

        assertThatThrownBy(() -> client.refresh("rt-1")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("invalid_client").hasMessageNotContaining("rt-1");
    }

    @Test
    void missingRefreshTokenNamesOfflineAccess() {
        server.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(200)
                .withBody("{\"access_token\":\"at-2\",\"expires_in\":1800,\"token_type\":\"Bearer\"}")));

        assertThatThrownBy(() -> client.exchangeCode("code-1", URI.create("http://127.0.0.1:5173/callback")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("offline_access");
    }

    @Test
    void identityServerErrorIsRetryable() {
        server.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> client.refresh("rt-1")).isInstanceOf(RetryableException.class);
    }

    @Test
    void connectionsListsTenants() {
        server.stubFor(get(urlEqualTo("/connections")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("[{\"id\":\"e1eede29-0000-4000-8000-000000000001\",\"authEventId\":\"d99ecdfe-0000-4000-8000-000000000002\","
                        + "\"tenantId\":\"0c6f0a3e-0000-4000-8000-0000000000aa\",\"tenantType\":\"ORGANISATION\","
                        + "\"tenantName\":\"Example Demo Company (ZA)\",\"createdDateUtc\":\"2026-03-02T08:00:00.0000000\","
                        + "\"updatedDateUtc\":\"2026-03-02T08:00:00.0000000\"}]")));

        List<XeroConnection> connections = client.connections("at-2");

        assertThat(connections).containsExactly(new XeroConnection("e1eede29-0000-4000-8000-000000000001",
                "0c6f0a3e-0000-4000-8000-0000000000aa", "ORGANISATION", "Example Demo Company (ZA)"));
        server.verify(getRequestedFor(urlEqualTo("/connections")).withHeader("Authorization", equalTo("Bearer at-2")));
    }
}
