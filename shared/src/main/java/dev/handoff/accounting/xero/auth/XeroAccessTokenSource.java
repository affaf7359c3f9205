package dev.handoff.accounting.xero.auth;

import dev.handoff.config.HandoffConfig;
import dev.handoff.config.Secrets;
import dev.handoff.observability.Metrics;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Chooses how a function gets its Xero access token. With {@code XERO_CLIENT_ID} and {@code XERO_CLIENT_SECRET}
 * in the secret, tokens come from the ledger's token store and are refreshed there ({@link XeroAccessTokens}).
 * Without them, the fixed {@code XERO_ACCESS_TOKEN} is used as it is. That token expires after 30 minutes,
 * so this mode suits only the local stack and short tests.
 */
public final class XeroAccessTokenSource {

    private XeroAccessTokenSource() {
    }

    /**
     * Returns the token supplier for the configured tenant. If the secret carries {@code XERO_REFRESH_TOKEN} and
     * the ledger has no record for the tenant yet, the refresh token is stored first. A stored record always wins
     * because Xero has rotated the seed since.
     */
    public static Supplier<String> create(HandoffConfig config, Secrets secrets, Supplier<DynamoDbClient> dynamoDb,
            Metrics metrics, Clock clock) {
        if (secrets.optional(Secrets.XERO_CLIENT_ID).isEmpty()) {
            String token = secrets.require(Secrets.XERO_ACCESS_TOKEN);
            return () -> token;
        }

        return refreshing(config, secrets, dynamoDb.get(), metrics, clock);
    }

    /**
     * Returns the refreshing token supplier, for callers that need {@link XeroAccessTokens} itself, such as
     * the keep-alive.
     *
     * @throws dev.handoff.error.ConfigurationException if the secret has no Xero client credentials
     */
    public static XeroAccessTokens refreshing(HandoffConfig config, Secrets secrets, DynamoDbClient dynamoDb,
            Metrics metrics, Clock clock) {
        String tenantId = config.xeroTenantId();
        XeroIdentityClient identity = identityClient(config, secrets, clock);
        XeroTokenStore store = new XeroTokenStore(dynamoDb, config.ledgerTable());
        secrets.optional(Secrets.XERO_REFRESH_TOKEN).ifPresent(refreshToken ->
                // An access token that expired at the epoch makes the first call refresh at once.
                store.seed(tenantId, new XeroTokens("", refreshToken, Instant.EPOCH), Instant.now(clock)));
        return new XeroAccessTokens(tenantId, store, identity, metrics, clock);
    }

    /**
     * Builds the identity client from the secret's client credentials and the endpoints in
     * {@code XERO_TOKEN_URL} and {@code XERO_CONNECTIONS_URL}, which default to Xero's.
     */
    public static XeroIdentityClient identityClient(HandoffConfig config, Secrets secrets, Clock clock) {
        URI tokenUrl = config.optional("XERO_TOKEN_URL").map(URI::create).orElse(XeroIdentityClient.DEFAULT_TOKEN_URL);
        URI connectionsUrl = config.optional("XERO_CONNECTIONS_URL").map(URI::create)
                .orElse(XeroIdentityClient.DEFAULT_CONNECTIONS_URL);
        return new XeroIdentityClient(secrets.require(Secrets.XERO_CLIENT_ID), secrets.require(Secrets.XERO_CLIENT_SECRET),
                tokenUrl, connectionsUrl, clock);
    }
}
