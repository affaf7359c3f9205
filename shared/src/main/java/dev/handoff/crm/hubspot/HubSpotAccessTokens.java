package dev.handoff.crm.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import dev.handoff.http.HttpCalls;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supplies the bearer token for HubSpot API calls: either a private app token, which does not expire, or an
 * OAuth access token obtained from a refresh token with {@code POST /oauth/v1/token}
 * (https://developers.hubspot.com/docs/api/oauth/tokens). An OAuth token is refreshed before its
 * {@code expires_in} runs out, not after a 401, as https://developers.hubspot.com/docs/api/usage-details advises.
 * Safe for concurrent use. {@link #toString()} shows no token.
 */
public final class HubSpotAccessTokens implements Supplier<String> {

    /** How long before expiry a token is replaced, so a request never starts with a token about to expire. */
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(HubSpotAccessTokens.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String privateAppToken;
    private final OAuthClient oauth;
    private String accessToken;
    private Instant refreshAt = Instant.EPOCH;

    private HubSpotAccessTokens(String privateAppToken, OAuthClient oauth) {
        this.privateAppToken = privateAppToken;
        this.oauth = oauth;
    }

    /** Tokens from a private app: the same token on every call. */
    public static HubSpotAccessTokens privateApp(String token) {
        if (token == null || token.isBlank()) {
            throw new ConfigurationException("HubSpot access token is empty: set HUBSPOT_ACCESS_TOKEN in the secret");
        }
        return new HubSpotAccessTokens(token, null);
    }

    /**
     * Tokens from an OAuth app installed in the portal, refreshed with {@code refreshToken}.
     *
     * @param baseUrl the API root, {@code https://api.hubapi.com} unless pointed at a simulator
     */
    public static HubSpotAccessTokens oauth(URI baseUrl, String clientId, String clientSecret, String refreshToken,
            HttpClient httpClient, Clock clock) {
        requireText(clientId, "HUBSPOT_CLIENT_ID");
        requireText(clientSecret, "HUBSPOT_CLIENT_SECRET");
        requireText(refreshToken, "HUBSPOT_REFRESH_TOKEN");
        return new HubSpotAccessTokens(null, new OAuthClient(baseUrl, clientId, clientSecret, refreshToken,
                Objects.requireNonNull(httpClient, "httpClient"), Objects.requireNonNull(clock, "clock")));
    }

    /**
     * Returns a token valid for at least {@link #REFRESH_MARGIN}, refreshing it first when needed.
     *
     * @throws ConfigurationException when HubSpot rejects the client or the refresh token
     * @throws RetryableException when the token endpoint times out, fails with 5xx or is rate limited
     */
    @Override
    public synchronized String get() {
        if (privateAppToken != null) {
            return privateAppToken;
        }
        Instant now = oauth.clock.instant();
        if (accessToken == null || !now.isBefore(refreshAt)) {
            OAuthClient.Token token = oauth.refresh();
            accessToken = token.accessToken();
            refreshAt = now.plusSeconds(token.expiresInSeconds()).minus(REFRESH_MARGIN);
            LOG.info("HubSpot OAuth access token refreshed; valid for {} s", token.expiresInSeconds());
        }
        return accessToken;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("HubSpot OAuth needs " + name + " in the secret; "
                    + "or set HUBSPOT_ACCESS_TOKEN to use a private app token");
        }
    }

    @Override
    public String toString() {
        return "HubSpotAccessTokens[" + (privateAppToken != null ? "private app" : "OAuth") + "]";
    }

    /** The refresh-token grant against HubSpot's token endpoint. */
    private record OAuthClient(URI baseUrl, String clientId, String clientSecret, String refreshToken,
            HttpClient httpClient, Clock clock) {

        private static final Duration TIMEOUT = Duration.ofSeconds(10);

        record Token(String accessToken, long expiresInSeconds) {
        }

        Token refresh() {
            String form = "grant_type=refresh_token"
                    + "&client_id=" + encode(clientId)
                    + "&client_secret=" + encode(clientSecret)
                    + "&refresh_token=" + encode(refreshToken);
            String root = baseUrl.toString().endsWith("/") ? baseUrl.toString() : baseUrl + "/";
            HttpRequest request = HttpRequest.newBuilder(URI.create(root + "oauth/v1/token"))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                    .build();

            HttpResponse<byte[]> response = HttpCalls.send(httpClient, request, HttpResponse.BodyHandlers.ofByteArray(),
                    "HubSpot", "token refresh");
            return token(response);
        }

        private static Token token(HttpResponse<byte[]> response) {
            int status = response.statusCode();
            if (status == 429) {
                Duration delay = HubSpotRateLimits.retryAfter(response).orElse(HubSpotRateLimits.DEFAULT_RETRY_AFTER);
                throw new ThrottledException("HubSpot token refresh failed with HTTP 429 (rate limited)", delay);
            }
            if (status >= 500) {
                throw new RetryableException("HubSpot token refresh failed with HTTP " + status, null);
            }
            if (status != 200) {
                throw new ConfigurationException("HubSpot token refresh failed with HTTP " + status
                        + ": check HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and HUBSPOT_REFRESH_TOKEN, "
                        + "and reinstall the app if the refresh token was revoked");
            }
            JsonNode body;
            try {
                body = MAPPER.readTree(response.body());
            } catch (IOException e) {
                throw new HubSpotProtocolException("HubSpot token refresh returned a body that is not JSON");
            }
            String accessToken = body == null ? "" : body.path("access_token").asText("");
            long expiresIn = body == null ? 0 : body.path("expires_in").asLong(0);
            if (accessToken.isBlank() || expiresIn <= REFRESH_MARGIN.toSeconds()) {
                throw new HubSpotProtocolException("HubSpot token refresh returned no access_token, or an expires_in "
                        + "of " + REFRESH_MARGIN.toSeconds() + " s or less");
            }
            return new Token(accessToken, expiresIn);
        }

        private static String encode(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "OAuthClient[" + baseUrl + "]";
        }
    }
}
