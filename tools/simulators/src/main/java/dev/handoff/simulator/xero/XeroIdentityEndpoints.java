package dev.handoff.simulator.xero;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Xero's OAuth 2.0 identity server as the simulator plays it: the authorisation endpoint (which approves at
 * once and redirects with a code), the token endpoint for {@code authorization_code} and {@code refresh_token}
 * grants, and {@code GET /connections}.
 *
 * <p>Every refresh rotates the refresh token, and a spent one is rejected with {@code invalid_grant}. Xero's
 * OAuth 2.0 FAQ lets a client whose refresh response was lost retry with the spent token for 30 minutes. The
 * simulator grants that only within the configured grace period, which is zero by default, so a test that
 * passes with the default does not rely on it. Access tokens live 30 minutes by the simulator's clock.
 *
 * <p>NOTE: Xero does not document whether a retry within the grace period returns the tokens of the first
 * refresh or new ones. The simulator issues new ones and keeps the first pair valid too.
 *
 * @see <a href="https://developer.xero.com/faq/oauth2">Xero's OAuth 2.0 FAQ</a>
 */
final class XeroIdentityEndpoints {

    static final String AUTHORIZE_PATH = "/identity/connect/authorize";
    static final String TOKEN_PATH = "/connect/token";
    static final String CONNECTIONS_PATH = "/connections";
    private static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(30);

    private final String clientId;
    private final String clientSecret;
    private final List<String> tenantIds;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    private final Set<String> liveRefreshTokens = ConcurrentHashMap.newKeySet();
    /** When each refresh token was spent, for the grace period. */
    private final Map<String, Instant> spentRefreshTokens = new ConcurrentHashMap<>();
    private final Duration refreshGracePeriod;
    private final AtomicInteger refreshResponsesToLose = new AtomicInteger();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final AtomicInteger refreshCalls = new AtomicInteger();
    private final AtomicInteger rejectedGrants = new AtomicInteger();

    XeroIdentityEndpoints(String clientId, String clientSecret, List<String> tenantIds, Clock clock,
            Duration refreshGracePeriod) {
        this.refreshGracePeriod = refreshGracePeriod;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.tenantIds = List.copyOf(tenantIds);
        this.clock = clock;
    }

    /** Makes {@code refreshToken} valid once, as if a user had just connected. */
    void issueRefreshToken(String refreshToken) {
        liveRefreshTokens.add(refreshToken);
    }

    boolean isValidAccessToken(String token) {
        Instant expiry = accessTokens.get(token);
        return expiry != null && expiry.isAfter(clock.instant());
    }

    int refreshCalls() {
        return refreshCalls.get();
    }

    int rejectedGrants() {
        return rejectedGrants.get();
    }

    /** Approves the request at once and redirects to {@code redirect_uri} with a one-time code and the state. */
    void authorize(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = XeroSimulator.query(exchange.getRequestURI().getRawQuery());
            String redirectUri = query.get("redirect_uri");
            if (!clientId.equals(query.get("client_id")) || redirectUri == null || !"code".equals(query.get("response_type"))) {
                sendJson(exchange, 400, mapper.createObjectNode().put("error", "invalid_request"));
                return;
            }
            String code = "code-" + UUID.randomUUID();
            codes.put(code, redirectUri);
            String location = redirectUri + (redirectUri.contains("?") ? "&" : "?") + "code=" + encode(code)
                    + "&state=" + encode(query.getOrDefault("state", ""));
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(302, -1);
        }
    }

    void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod()) || !hasClientCredentials(exchange)) {
                sendJson(exchange, 400, mapper.createObjectNode().put("error", "invalid_client"));
                return;
            }
            Map<String, String> form;
            try (InputStream in = exchange.getRequestBody()) {
                form = XeroSimulator.query(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            boolean granted = switch (form.getOrDefault("grant_type", "")) {
                case "refresh_token" -> {
                    refreshCalls.incrementAndGet();
                    yield spendRefreshToken(form.getOrDefault("refresh_token", ""));
                }
                case "authorization_code" -> {
                    String redirectUri = codes.remove(form.getOrDefault("code", ""));
                    yield redirectUri != null && redirectUri.equals(form.get("redirect_uri"));
                }
                default -> false;
            };
            if (!granted) {
                rejectedGrants.incrementAndGet();
                sendJson(exchange, 400, mapper.createObjectNode().put("error", "invalid_grant"));
                return;
            }
            ObjectNode tokens = newTokens();
            if ("refresh_token".equals(form.get("grant_type")) && loseRefreshResponse()) {
                // Closing the exchange before any header is sent drops the connection: the client sees no response.
                return;
            }
            sendJson(exchange, 200, tokens);
        }
    }

    /** Makes the next {@code count} successful refreshes rotate the token but send no response. */
    void loseRefreshResponses(int count) {
        refreshResponsesToLose.set(count);
    }

    private boolean loseRefreshResponse() {
        return refreshResponsesToLose.getAndUpdate(left -> Math.max(0, left - 1)) > 0;
    }

    /** Spends a live refresh token, or accepts a spent one again within the grace period. */
    private boolean spendRefreshToken(String refreshToken) {
        Instant now = clock.instant();
        if (liveRefreshTokens.remove(refreshToken)) {
            spentRefreshTokens.put(refreshToken, now);
            return true;
        }
        Instant spentAt = spentRefreshTokens.get(refreshToken);
        return spentAt != null && now.isBefore(spentAt.plus(refreshGracePeriod));
    }

    void connections(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")
                    || !isValidAccessToken(authorization.substring("Bearer ".length()))) {
                sendJson(exchange, 401, mapper.createObjectNode().put("Title", "Unauthorized"));
                return;
            }
            ArrayNode connections = mapper.createArrayNode();
            for (String tenantId : tenantIds) {
                connections.addObject()
                        .put("id", UUID.nameUUIDFromBytes(tenantId.getBytes(StandardCharsets.UTF_8)).toString())
                        .put("authEventId", UUID.randomUUID().toString())
                        .put("tenantId", tenantId)
                        .put("tenantType", "ORGANISATION")
                        .put("tenantName", "Simulated Demo Company (ZA)")
                        .put("createdDateUtc", "2026-03-01T06:00:00.0000000")
                        .put("updatedDateUtc", "2026-03-01T06:00:00.0000000");
            }
            sendJson(exchange, 200, connections);
        }
    }

    private ObjectNode newTokens() {
        String accessToken = "sim-access-" + UUID.randomUUID();
        String refreshToken = "sim-refresh-" + UUID.randomUUID();
        accessTokens.put(accessToken, clock.instant().plus(ACCESS_TOKEN_LIFETIME));
        liveRefreshTokens.add(refreshToken);
        return mapper.createObjectNode()
                .put("id_token", "sim-id-token")
                .put("access_token", accessToken)
                .put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds())
                .put("token_type", "Bearer")
                .put("refresh_token", refreshToken)
                .put("scope", "openid profile email accounting.transactions accounting.contacts accounting.settings.read offline_access");
    }

    private boolean hasClientCredentials(HttpExchange exchange) {
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        return expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
