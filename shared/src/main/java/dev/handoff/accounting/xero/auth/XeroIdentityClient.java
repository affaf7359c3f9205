package dev.handoff.accounting.xero.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.RetryableException;
import dev.handoff.http.HttpCalls;
import dev.handoff.http.HttpFailures;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Client of Xero's OAuth 2.0 identity server for a confidential app (client id and secret): exchanges an
 * authorisation code, refreshes tokens, and lists the tenants a token may call. Token requests send the
 * client credentials as HTTP Basic authentication and a form body.
 *
 * <p>Failures: {@code 400 invalid_grant} becomes {@link RefreshTokenRejectedException}, and {@code invalid_client}
 * and 401 become {@link dev.handoff.error.ConfigurationException}. Timeouts, 429 and 5xx are retryable.
 * No message carries a token or a response body.
 *
 * @see <a href="https://developer.xero.com/documentation/guides/oauth2/auth-flow">Xero's standard authorisation code flow</a>
 */
public final class XeroIdentityClient {

    public static final URI DEFAULT_TOKEN_URL = URI.create("https://identity.xero.com/connect/token");
    public static final URI DEFAULT_CONNECTIONS_URL = URI.create("https://api.xero.com/connections");
    public static final URI DEFAULT_AUTHORIZE_URL = URI.create("https://login.xero.com/identity/connect/authorize");

    private static final String API = "Xero identity";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String clientId;
    private final String clientSecret;
    private final URI tokenUrl;
    private final URI connectionsUrl;
    private final Clock clock;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    public XeroIdentityClient(String clientId, String clientSecret, URI tokenUrl, URI connectionsUrl, Clock clock) {
        this.clientId = requireText(clientId, "Xero client id is missing: set XERO_CLIENT_ID");
        this.clientSecret = requireText(clientSecret, "Xero client secret is missing: set XERO_CLIENT_SECRET");
        this.tokenUrl = Objects.requireNonNull(tokenUrl, "tokenUrl");
        this.connectionsUrl = Objects.requireNonNull(connectionsUrl, "connectionsUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public String clientId() {
        return clientId;
    }

    /** Spends {@code refreshToken} for a new token pair; Xero rotates the refresh token every time. */
    public XeroTokens refresh(String refreshToken) {
        return tokenRequest("refresh token", "grant_type=refresh_token&refresh_token=" + form(refreshToken));
    }

    /** Exchanges the code from the authorisation redirect for the first token pair. */
    public XeroTokens exchangeCode(String code, URI redirectUri) {
        return tokenRequest("exchange authorisation code", "grant_type=authorization_code&code=" + form(code)
                + "&redirect_uri=" + form(redirectUri.toString()));
    }

    /** Lists the tenants (organisations) that {@code accessToken} may call. */
    public List<XeroConnection> connections(String accessToken) {
        HttpRequest request = HttpRequest.newBuilder(connectionsUrl).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + accessToken)
                .header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> response = send(request, "list connections");
        if (response.statusCode() != 200) {
            throw HttpFailures.classify(API, "list connections", response);
        }
        JsonNode root = read(response.body(), "list connections");
        if (!root.isArray()) {
            throw new RetryableException(API + " list connections returned a body that is not a JSON array", null);
        }
        List<XeroConnection> connections = new ArrayList<>();
        for (JsonNode connection : root) {
            connections.add(new XeroConnection(connection.path("id").asText(null),
                    connection.path("tenantId").asText(null), connection.path("tenantType").asText(null),
                    connection.path("tenantName").asText(null)));
        }
        return connections;
    }

    private XeroTokens tokenRequest(String operation, String form) {
        String credentials = Base64.getEncoder()
                .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenUrl).timeout(TIMEOUT)
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();
        Instant sentAt = Instant.now(clock);
        HttpResponse<String> response = send(request, operation);

        int status = response.statusCode();
        if (status == 400 || status == 401) {
            String error = read(response.body(), operation).path("error").asText("");
            if (error.equals("invalid_grant")) {
                throw new RefreshTokenRejectedException(API + " " + operation + " failed: invalid_grant");
            }
            throw new ConfigurationException(API + " " + operation + " failed with HTTP " + status
                    + (error.isEmpty() ? "" : " (" + error + ")") + ": check XERO_CLIENT_ID and XERO_CLIENT_SECRET");
        }
        if (status != 200) {
            throw HttpFailures.classify(API, operation, response);
        }

        JsonNode body = read(response.body(), operation);
        String accessToken = body.path("access_token").asText("");
        String refreshToken = body.path("refresh_token").asText("");
        long expiresIn = body.path("expires_in").asLong(0);
        if (accessToken.isEmpty() || refreshToken.isEmpty() || expiresIn <= 0) {
            throw new ConfigurationException(API + " " + operation + " returned no access_token, refresh_token or "
                    + "expires_in: request the offline_access scope so Xero issues refresh tokens");
        }
        // The lifetime counts from the request, not the response, so a slow response never overstates it.
        return new XeroTokens(accessToken, refreshToken, sentAt.plusSeconds(expiresIn));
    }

    private HttpResponse<String> send(HttpRequest request, String operation) {
        return HttpCalls.send(http, request, API, operation);
    }

    private JsonNode read(String body, String operation) {
        try {
            JsonNode node = mapper.readTree(body == null ? "" : body);
            return node == null ? mapper.missingNode() : node;
        } catch (IOException e) {
            throw new RetryableException(API + " " + operation + " returned a body that is not JSON", null);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String requireText(String value, String message) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(message);
        }
        return value;
    }
}
