package dev.handoff.local;

import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.FreePorts;
import dev.handoff.local.runtime.LocalLambdaStack;
import dev.handoff.simulator.hubspot.HubSpotSimulator;
import dev.handoff.simulator.xero.XeroSimulator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Handoff running on one machine: the functions of template.yaml on the local Lambda stack (ElasticMQ and
 * dynalite), wired to a simulated HubSpot portal and a simulated Xero organisation. The Xero simulator sends
 * its signed webhooks to the local API Gateway, as Xero would to the deployed one.
 */
public final class LocalHandoff implements AutoCloseable {

    private final HubSpotSimulator hubspot;
    private final XeroSimulator xero;
    private final LocalLambdaStack stack;
    private final Ledger ledger;
    private final URI apiBaseUrl;

    private LocalHandoff(HubSpotSimulator hubspot, XeroSimulator xero, LocalLambdaStack stack, URI apiBaseUrl) {
        this.hubspot = hubspot;
        this.xero = xero;
        this.stack = stack;
        this.apiBaseUrl = apiBaseUrl;
        this.ledger = new Ledger(stack.dynamoDb(), stack.resources().tableName("LedgerTable"));
    }

    /**
     * Starts everything on 127.0.0.1.
     *
     * @param apiPort the API Gateway port, or 0 for a free one
     * @param retryDelay how soon a failed SQS message is received again; Lambda waits the queue's visibility
     *     timeout (360 s), which is too slow for a local run
     * @param onboardingRule the ONBOARDING_RULE value, for example PAID
     */
    public static LocalHandoff start(int apiPort, Duration retryDelay, String onboardingRule) {
        return start(apiPort, retryDelay, onboardingRule, Map.of());
    }

    /**
     * Starts everything on 127.0.0.1 as {@link #start(int, Duration, String)} does, with {@code environment}
     * added to every function's environment, for example the benchmark's XERO_LIMIT_TIME_SCALE.
     */
    public static LocalHandoff start(int apiPort, Duration retryDelay, String onboardingRule,
            Map<String, String> environment) {
        int port = apiPort == 0 ? FreePorts.find() : apiPort;
        URI apiBaseUrl = URI.create("http://127.0.0.1:" + port);
        HubSpotSimulator hubspot = HubSpotSimulator.start(0, LocalSettings.HUBSPOT_ACCESS_TOKEN);
        XeroSimulator xero = null;
        try {
            hubspot.seedDemoPortal();
            xero = XeroSimulator.builder()
                    .tenant(LocalSettings.TENANT_ID)
                    .accessToken(LocalSettings.XERO_ACCESS_TOKEN)
                    .oauthClient(LocalSettings.XERO_CLIENT_ID, LocalSettings.XERO_CLIENT_SECRET)
                    .refreshToken(LocalSettings.XERO_REFRESH_TOKEN)
                    .webhookKey(LocalSettings.XERO_WEBHOOK_KEY)
                    .webhookUrl(apiBaseUrl.resolve(LocalSettings.XERO_WEBHOOK_PATH))
                    .port(0)
                    .start();
            LocalLambdaStack.Builder builder = stackBuilder(port, retryDelay, onboardingRule, hubspot, xero, LocalSettings.TENANT_ID)
                    .environment("XERO_CLIENT_ID", LocalSettings.XERO_CLIENT_ID)
                    .environment("XERO_CLIENT_SECRET", LocalSettings.XERO_CLIENT_SECRET)
                    .environment("XERO_REFRESH_TOKEN", LocalSettings.XERO_REFRESH_TOKEN)
                    .environment("XERO_TOKEN_URL", xero.tokenUrl().toString())
                    .environment("XERO_CONNECTIONS_URL", xero.connectionsUrl().toString())
                    .environment("XERO_AUTHORIZE_URL", xero.authorizeUrl().toString())
                    .environment("XERO_REDIRECT_URI", apiBaseUrl.resolve(LocalSettings.XERO_CONNECT_CALLBACK_PATH).toString());
            environment.forEach(builder::environment);
            LocalLambdaStack stack = builder.start();
            return new LocalHandoff(hubspot, xero, stack, apiBaseUrl);
        } catch (RuntimeException e) {
            if (xero != null) {
                xero.close();
            }
            hubspot.close();
            throw e;
        }
    }

    /**
     * Returns a builder for the functions of template.yaml wired to the given simulators, serving Xero tenant
     * {@code tenantId} with the simulator's fixed Xero access token. {@link #start} adds the Xero OAuth settings
     * on top, so the demo refreshes tokens as a deployed stack does; the benchmark uses it as it is to run one
     * stack per tenant, because those stacks cannot share one single-use refresh token.
     */
    public static LocalLambdaStack.Builder stackBuilder(int apiPort, Duration retryDelay, String onboardingRule,
            HubSpotSimulator hubspot, XeroSimulator xero, String tenantId) {
        URI apiBaseUrl = URI.create("http://127.0.0.1:" + apiPort);
        return LocalLambdaStack.builder()
                .apiPort(apiPort)
                .retryDelay(retryDelay)
                .parameter("HubSpotPortalId", LocalSettings.PORTAL_ID)
                .parameter("XeroTenantId", tenantId)
                .parameter("SecretsArn", "local-secrets-come-from-the-environment")
                .parameter("OnboardingRule", onboardingRule)
                .environment("HANDOFF_SECRET_ID", "")
                .environment("RETRY_BASE_DELAY_SECONDS", Long.toString(Math.max(1, retryDelay.toSeconds())))
                .environment("PARKED_RETRY_DELAY_SECONDS", "2")
                .environment("HUBSPOT_ACCESS_TOKEN", LocalSettings.HUBSPOT_ACCESS_TOKEN)
                .environment("HUBSPOT_CLIENT_SECRET", LocalSettings.HUBSPOT_CLIENT_SECRET)
                .environment("XERO_ACCESS_TOKEN", LocalSettings.XERO_ACCESS_TOKEN)
                .environment("XERO_WEBHOOK_KEY", LocalSettings.XERO_WEBHOOK_KEY)
                .environment("HUBSPOT_API_BASE_URL", hubspot.baseUrl().toString())
                .environment("XERO_API_BASE_URL", xero.baseUrl().toString())
                .environment("HUBSPOT_PUBLIC_WEBHOOK_URL", apiBaseUrl.resolve(LocalSettings.HUBSPOT_WEBHOOK_PATH).toString());
    }

    /** Returns the local API Gateway's base URL, where the ops routes under /ops/reviews are served. */
    public URI apiBaseUrl() {
        return apiBaseUrl;
    }

    public URI hubSpotWebhookUrl() {
        return apiBaseUrl.resolve(LocalSettings.HUBSPOT_WEBHOOK_PATH);
    }

    /** Returns the URL of the Xero connect route on the local API Gateway. */
    public URI xeroConnectUrl() {
        return apiBaseUrl.resolve(LocalSettings.XERO_CONNECT_PATH);
    }

    public URI xeroWebhookUrl() {
        return apiBaseUrl.resolve(LocalSettings.XERO_WEBHOOK_PATH);
    }

    public HubSpotSimulator hubspot() {
        return hubspot;
    }

    public XeroSimulator xero() {
        return xero;
    }

    public LocalLambdaStack stack() {
        return stack;
    }

    public Ledger ledger() {
        return ledger;
    }

    /** Returns every handoff in the ledger, read through the state index. */
    public List<Handoff> handoffs() {
        List<Handoff> all = new ArrayList<>();
        for (HandoffState state : HandoffState.values()) {
            all.addAll(ledger.listByState(state));
        }
        return all;
    }

    public long exceptionCount() {
        return handoffs().stream().filter(handoff -> handoff.state().isException()).count();
    }

    public int deadLetterCount() {
        return stack.dlqDepths().values().stream().mapToInt(Integer::intValue).sum();
    }

    public void awaitQuiescence(Duration timeout) {
        stack.awaitQuiescence(timeout);
    }

    @Override
    public void close() {
        try {
            stack.close();
        } finally {
            try {
                xero.close();
            } finally {
                hubspot.close();
            }
        }
    }
}
