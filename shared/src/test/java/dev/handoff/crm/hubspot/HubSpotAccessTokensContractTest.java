package dev.handoff.crm.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs {@link HubSpotAccessTokens} against WireMock stubs of HubSpot's documented OAuth token endpoint. */
class HubSpotAccessTokensContractTest {

    private static final String TOKEN_RESPONSE = "{\"token_type\":\"bearer\",\"refresh_token\":\"test-only-refresh-token\","
            + "\"access_token\":\"test-only-oauth-access-token-1\",\"expires_in\":1800}";

    private WireMockServer wireMock;
    private Instant now = Instant.parse("2026-03-01T06:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    };

    @BeforeEach
    void start() {
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
    }

    @AfterEach
    void stop() {
        wireMock.stop();
    }

    @Test
    void privateAppTokenIsReturnedAsGiven() {
        assertThat(HubSpotAccessTokens.privateApp("test-only-private-app-token").get())
                .isEqualTo("test-only-private-app-token");
    }

    @Test
    void privateAppTokenMustNotBeBlank() {
        assertThatThrownBy(() -> HubSpotAccessTokens.privateApp(" "))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("HUBSPOT_ACCESS_TOKEN");
    }

    @Test
    void oauthPostsRefreshGrantAsForm() {
        wireMock.stubFor(post(urlEqualTo("/oauth/v1/token")).willReturn(json(200, TOKEN_RESPONSE)));

        String token = tokens().get();

        assertThat(token).isEqualTo("test-only-oauth-access-token-1");
        wireMock.verify(postRequestedFor(urlEqualTo("/oauth/v1/token"))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("grant_type=refresh_token&client_id=test-only-client-id"
                        + "&client_secret=test-only-client-secret&refresh_token=test-only-refresh-token")));
    }

    @Test
    void oauthReusesTokenUntilMarginBeforeExpiry() {
        wireMock.stubFor(post(urlEqualTo("/oauth/v1/token")).willReturn(json(200, TOKEN_RESPONSE)));
        HubSpotAccessTokens tokens = tokens();
        tokens.get();

        now = now.plus(Duration.ofSeconds(1800)).minus(HubSpotAccessTokens.REFRESH_MARGIN).minusSeconds(1);
        tokens.get();
        wireMock.verify(1, postRequestedFor(urlEqualTo("/oauth/v1/token")));

        now = now.plusSeconds(1);
        tokens.get();
        wireMock.verify(2, postRequestedFor(urlEqualTo("/oauth/v1/token")));
    }

    @Test
    void oauthRejectedRefreshTokenIsConfigurationError() {
        wireMock.stubFor(post(urlEqualTo("/oauth/v1/token")).willReturn(json(400,
                "{\"status\":\"BAD_REFRESH_TOKEN\",\"message\":\"missing or invalid refresh token\"}")));

        assertThatThrownBy(() -> tokens().get())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("HubSpot token refresh failed with HTTP 400")
                .hasMessageNotContaining("test-only-refresh-token");
    }

    @Test
    void oauthServerErrorIsRetryable() {
        wireMock.stubFor(post(urlEqualTo("/oauth/v1/token")).willReturn(json(503, "{\"status\":\"error\"}")));

        assertThatThrownBy(() -> tokens().get())
                .isInstanceOf(RetryableException.class)
                .hasMessage("HubSpot token refresh failed with HTTP 503");
    }

    @Test
    void oauthRateLimitedIsThrottled() {
        wireMock.stubFor(post(urlEqualTo("/oauth/v1/token"))
                .willReturn(json(429, "{\"status\":\"error\"}").withHeader("Retry-After", "3")));

        assertThatThrownBy(() -> tokens().get())
                .isInstanceOf(ThrottledException.class)
                .satisfies(e -> assertThat(((ThrottledException) e).delay()).isEqualTo(Duration.ofSeconds(3)));
    }

    @Test
    void oauthWithoutRefreshTokenIsConfigurationError() {
        assertThatThrownBy(() -> HubSpotAccessTokens.oauth(URI.create(wireMock.baseUrl()), "test-only-client-id",
                "test-only-client-secret", "", HttpClient.newHttpClient(), clock))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("HUBSPOT_REFRESH_TOKEN");
    }

    @Test
    void toStringShowsNoToken() {
        assertThat(HubSpotAccessTokens.privateApp("test-only-private-app-token").toString())
                .doesNotContain("test-only-private-app-token");
    }

    private HubSpotAccessTokens tokens() {
        return HubSpotAccessTokens.oauth(URI.create(wireMock.baseUrl()), "test-only-client-id",
                "test-only-client-secret", "test-only-refresh-token", HttpClient.newHttpClient(), clock);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8").withBody(body);
    }
}
