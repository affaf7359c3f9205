package dev.handoff.accounting.xero.auth;

import dev.handoff.error.ConfigurationException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Connects a Xero organisation with the OAuth 2.0 authorisation code flow: builds the authorisation URL,
 * exchanges the returned code, picks the tenant from {@code GET /connections} and stores the tokens. The CLI
 * ({@code ./handoff connect xero}) and the deployed {@code /connect/xero} route both use it.
 *
 * @see <a href="https://developer.xero.com/documentation/guides/oauth2/auth-flow">Xero's standard authorisation code flow</a>
 */
public final class XeroConnectFlow {

    /**
     * Scopes requested by default. Xero apps created on or after 2 March 2026 cannot request the broad
     * {@code accounting.transactions} scope, so the default names the narrower invoice scope.
     * NOTE: the granular scope names come from third-party migration notes, not from Xero's scope page.
     */
    public static final String DEFAULT_SCOPES =
            "openid profile email offline_access accounting.contacts accounting.invoices accounting.settings.read";

    private final XeroIdentityClient identity;
    private final URI authorizeUrl;
    private final String scopes;

    public XeroConnectFlow(XeroIdentityClient identity, URI authorizeUrl, String scopes) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.authorizeUrl = Objects.requireNonNull(authorizeUrl, "authorizeUrl");
        this.scopes = scopes == null || scopes.isBlank() ? DEFAULT_SCOPES : scopes.trim();
    }

    /** Returns the URL the user opens to approve the connection. Xero sends {@code state} back with the code. */
    public URI authorizationUrl(URI redirectUri, String state) {
        return URI.create(authorizeUrl + "?response_type=code"
                + "&client_id=" + encode(identity.clientId())
                + "&redirect_uri=" + encode(redirectUri.toString())
                + "&scope=" + encode(scopes)
                + "&state=" + encode(state));
    }

    /**
     * Exchanges {@code code} and chooses the tenant: {@code expectedTenantId} if given (it must be among the
     * authorised organisations), otherwise the only authorised organisation.
     *
     * @throws ConfigurationException if the expected tenant was not authorised, or several were and none was named
     * @throws RefreshTokenRejectedException if the code is invalid, expired or used already
     */
    public Connected exchange(String code, URI redirectUri, Optional<String> expectedTenantId) {
        XeroTokens tokens = identity.exchangeCode(code, redirectUri);
        List<XeroConnection> organisations = identity.connections(tokens.accessToken()).stream()
                .filter(connection -> "ORGANISATION".equals(connection.tenantType()))
                .toList();
        List<String> tenantIds = organisations.stream().map(XeroConnection::tenantId).toList();

        if (expectedTenantId.isPresent()) {
            if (!tenantIds.contains(expectedTenantId.get())) {
                throw new ConfigurationException("Xero tenant " + expectedTenantId.get() + " was not among the "
                        + "authorised organisations " + tenantIds + ": choose that organisation on Xero's consent page");
            }
            return new Connected(expectedTenantId.get(), tokens);
        }
        if (tenantIds.size() != 1) {
            throw new ConfigurationException("The authorisation covers " + tenantIds.size() + " organisations "
                    + tenantIds + ": name the one to use with --tenant");
        }
        return new Connected(tenantIds.get(0), tokens);
    }

    /** Stores the tokens of a completed exchange, replacing any record and clearing REAUTH_REQUIRED. */
    public static StoredXeroTokens store(XeroTokenStore store, Connected connected, Instant now) {
        return store.connect(connected.tenantId(), connected.tokens(), now);
    }

    /** Tenant and first token pair of a completed connection. {@link #toString()} leaves the tokens out. */
    public record Connected(String tenantId, XeroTokens tokens) {

        @Override
        public String toString() {
            return "Connected[tenantId=" + tenantId + "]";
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
