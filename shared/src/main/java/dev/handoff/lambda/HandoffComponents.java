package dev.handoff.lambda;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.xero.XeroCallLimits;
import dev.handoff.accounting.xero.XeroLimitTimeScale;
import dev.handoff.accounting.xero.XeroClient;
import dev.handoff.accounting.xero.auth.XeroAccessTokenSource;
import dev.handoff.accounting.xero.auth.XeroAccessTokens;
import dev.handoff.accounting.xero.auth.XeroConnectFlow;
import dev.handoff.accounting.xero.auth.XeroConnectStates;
import dev.handoff.accounting.xero.auth.XeroIdentityClient;
import dev.handoff.accounting.xero.auth.XeroTokenStore;
import dev.handoff.accounting.xero.XeroSignatureVerifier;
import dev.handoff.aws.AwsClients;
import dev.handoff.config.HandoffConfig;
import dev.handoff.config.HubSpotSettings;
import dev.handoff.config.Secrets;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.hubspot.HubSpotAccessTokens;
import dev.handoff.crm.hubspot.HubSpotClient;
import dev.handoff.crm.hubspot.HubSpotRateLimits;
import dev.handoff.crm.hubspot.HubSpotSignatureVerifier;
import dev.handoff.domain.HandoffKey;
import dev.handoff.ledger.Ledger;
import dev.handoff.message.Json;
import dev.handoff.message.QueuePublisher;
import dev.handoff.observability.Metrics;
import dev.handoff.ratelimit.ConcurrencyLease;
import dev.handoff.ratelimit.RequestBudget;
import dev.handoff.ratelimit.ScopePause;
import dev.handoff.review.ReviewDecisionService;
import dev.handoff.review.ReviewOpsService;
import dev.handoff.review.ReviewRules;
import dev.handoff.review.ReviewStore;
import dev.handoff.service.CrmStatusWriter;
import dev.handoff.service.CustomerUpsertService;
import dev.handoff.service.DealChangeService;
import dev.handoff.service.DealWonIntakeService;
import dev.handoff.service.DisputeCheck;
import dev.handoff.service.FinanceGate;
import dev.handoff.service.HandoffBlocker;
import dev.handoff.service.InvoiceCreationService;
import dev.handoff.service.InvoiceDrafter;
import dev.handoff.service.PaymentCallbackService;
import dev.handoff.service.PaymentStatusSyncService;
import java.net.http.HttpClient;
import dev.handoff.service.XeroConnectService;
import dev.handoff.service.XeroKeepAliveService;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Builds each function's service from its environment, once per function instance. Every collaborator is
 * created on first use, so a function builds only the clients it needs.
 */
public final class HandoffComponents {

    /** Value of {@code AWS_LAMBDA_INITIALIZATION_TYPE} in a function that SnapStart restores. */
    private static final String SNAP_START = "snap-start";

    private final HandoffConfig config;
    private final String functionName;
    private final Clock clock;
    private AwsClients aws;
    private Secrets secrets;
    private Ledger ledger;
    private QueuePublisher queue;
    private CrmClient crm;
    private AccountingClient accounting;

    public HandoffComponents(Map<String, String> environment, String functionName, Clock clock) {
        this.config = new HandoffConfig(environment);
        // Loads and validates the configuration file now, so a wrong file stops the function at start.
        this.config.file();
        this.functionName = functionName;
        this.clock = clock;
        if (SNAP_START.equals(environment.get("AWS_LAMBDA_INITIALIZATION_TYPE"))) {
            SnapStartPriming.register(this::prime);
        }
    }

    /**
     * Exercises the clients this function built, for SnapStart to snapshot them warm: reads a ledger key that
     * never exists (deal 0) and writes and reads a message as JSON. It changes nothing.
     */
    public void prime() {
        HandoffKey primingKey = HandoffKey.hubspot(config.hubSpotPortalId(), "0");
        if (ledger != null) {
            ledger.find(primingKey);
        }
        Json.read(Json.write(Map.of("handoffKey", primingKey.value())), Map.class);
    }

    public HandoffConfig config() {
        return config;
    }

    public DealWonIntakeService dealWonIntake() {
        var verifier = new HubSpotSignatureVerifier(secrets().require(Secrets.HUBSPOT_CLIENT_SECRET), clock,
                new HubSpotSettings(config).acceptLegacySignatures());
        return new DealWonIntakeService(verifier, ledger(), queue(), config.wonStages(), config.xeroTenantId(),
                config.hubSpotPortalId(), config.dealWonQueueUrl(), Metrics.toStandardOutput(functionName), clock);
    }

    public CustomerUpsertService customerUpsert() {
        return new CustomerUpsertService(ledger(), crm(), accounting(), queue(), blocker(), config.wonStages(),
                config.xeroTenantId(), config.invoiceQueueUrl(), clock, financeGate());
    }

    public ReviewOpsService reviewOps() {
        var decisions = new ReviewDecisionService(ledger(), reviews(), crmStatus(), queue(), config.dealWonQueueUrl(),
                config.invoiceQueueUrl(), clock);
        return new ReviewOpsService(decisions, clock);
    }

    public DealChangeService dealChanges() {
        return new DealChangeService(ledger(), crm(), blocker(), config.wonStages(), config.xeroTenantId(), clock);
    }

    public InvoiceCreationService invoiceCreation() {
        var drafter = new InvoiceDrafter(config.organisationTimeZone(), config.paymentTermsDays(), config.priceBasis(),
                config.invoiceStatus(), config.salesAccountCode(), config.defaultTaxCategory());
        return new InvoiceCreationService(ledger(), crm(), accounting(), drafter, crmStatus(), blocker(),
                config.standardVatRate(), queue(), config.paymentEventsQueueUrl(), clock);
    }

    public PaymentCallbackService paymentCallback() {
        var verifier = new XeroSignatureVerifier(secrets().require(Secrets.XERO_WEBHOOK_KEY));
        return new PaymentCallbackService(verifier, queue(), config.xeroTenantId(), config.paymentEventsQueueUrl(),
                Metrics.toStandardOutput(functionName));
    }

    public PaymentStatusSyncService paymentStatusSync() {
        return new PaymentStatusSyncService(ledger(), accounting(), crmStatus(), queue(), config.onboardingRule(),
                config.onboardingQueueUrl(), clock, Optional.of(new DisputeCheck(crm(), config.wonStages(), blocker())));
    }

    public XeroKeepAliveService xeroKeepAlive() {
        return new XeroKeepAliveService(XeroAccessTokenSource.refreshing(config, secrets(), aws().dynamoDb(),
                Metrics.toStandardOutput(functionName), clock));
    }

    public XeroConnectService xeroConnect() {
        URI authorizeUrl = config.optional("XERO_AUTHORIZE_URL").map(URI::create).orElse(XeroIdentityClient.DEFAULT_AUTHORIZE_URL);
        return new XeroConnectService(
                () -> new XeroConnectFlow(XeroAccessTokenSource.identityClient(config, secrets(), clock), authorizeUrl,
                        config.optional("XERO_SCOPES").orElse(null)),
                new XeroConnectStates(aws().dynamoDb(), config.ledgerTable()),
                new XeroTokenStore(aws().dynamoDb(), config.ledgerTable()), config.xeroTenantId(), clock);
    }

    /**
     * Builds the failure policy of an SQS consumer. Messages are sent again to {@code RETRY_QUEUE_URL}, the queue the
     * function consumes, and a configuration error parks the deployment's Xero tenant.
     */
    public FailureHandling failureHandling() {
        return new FailureHandling(aws().sqs(), config.required("RETRY_QUEUE_URL", "the URL of the queue this function consumes"),
                RetryPolicy.from(config), ledger(), "tenant:" + config.xeroTenantId(), Metrics.toStandardOutput(functionName),
                clock);
    }

    private CrmStatusWriter crmStatus() {
        return new CrmStatusWriter(crm(), ledger(), clock);
    }

    private HandoffBlocker blocker() {
        return new HandoffBlocker(ledger(), reviews(), crmStatus(), clock);
    }

    private ReviewStore reviews() {
        return new ReviewStore(aws().dynamoDb(), config.ledgerTable());
    }

    private FinanceGate financeGate() {
        var rules = new ReviewRules(config.reviewPolicy(), config.priceBasis(), config.standardVatRate(),
                config.defaultTaxCategory());
        return new FinanceGate(rules, reviews(), blocker(), crm(), accounting(), ledger());
    }

    private AwsClients aws() {
        if (aws == null) {
            aws = new AwsClients(config);
        }
        return aws;
    }

    private Secrets secrets() {
        if (secrets == null) {
            secrets = Secrets.load(config, () -> aws().secretsManager());
        }
        return secrets;
    }

    private Ledger ledger() {
        if (ledger == null) {
            ledger = new Ledger(aws().dynamoDb(), config.ledgerTable());
        }
        return ledger;
    }

    private QueuePublisher queue() {
        if (queue == null) {
            queue = new QueuePublisher(aws().sqs());
        }
        return queue;
    }

    private CrmClient crm() {
        if (crm == null) {
            HubSpotSettings settings = new HubSpotSettings(config);
            HttpClient http = HttpClient.newBuilder().connectTimeout(HubSpotClient.DEFAULT_CONNECT_TIMEOUT).build();
            crm = HubSpotClient.builder(hubSpotTokens(http), config.hubSpotPortalId())
                    .baseUrl(config.hubSpotApiBaseUrl())
                    .clock(clock)
                    .httpClient(http)
                    .rateLimits(HubSpotRateLimits.shared(new RequestBudget(aws().dynamoDb(), config.ledgerTable()),
                            config.hubSpotPortalId(), settings.requestBudget(), HubSpotSettings.REQUEST_WINDOW, clock))
                    .build();
        }
        return crm;
    }

    /** Returns a private app token when the secret has one, otherwise OAuth tokens refreshed from its refresh token. */
    private HubSpotAccessTokens hubSpotTokens(HttpClient http) {
        if (secrets().has(Secrets.HUBSPOT_ACCESS_TOKEN) || !secrets().has(Secrets.HUBSPOT_REFRESH_TOKEN)) {
            return HubSpotAccessTokens.privateApp(secrets().require(Secrets.HUBSPOT_ACCESS_TOKEN));
        }
        return HubSpotAccessTokens.oauth(config.hubSpotApiBaseUrl(), secrets().require(Secrets.HUBSPOT_CLIENT_ID),
                secrets().require(Secrets.HUBSPOT_CLIENT_SECRET), secrets().require(Secrets.HUBSPOT_REFRESH_TOKEN),
                http, clock);
    }

    private AccountingClient accounting() {
        if (accounting == null) {
            var tokens = XeroAccessTokenSource.create(config, secrets(), () -> aws().dynamoDb(),
                    Metrics.toStandardOutput(functionName), clock);
            var limits = new XeroCallLimits(new RequestBudget(aws().dynamoDb(), config.ledgerTable()),
                    new ConcurrencyLease(aws().dynamoDb(), config.ledgerTable()),
                    new ScopePause(aws().dynamoDb(), config.ledgerTable()), Metrics.toStandardOutput(functionName), clock,
                    XeroLimitTimeScale.from(config));
            var builder = XeroClient.builder(config.xeroTenantId(), tokens)
                    .baseUrl(config.xeroApiBaseUrl())
                    .standardRate(config.standardVatRate())
                    .callLimits(limits);
            if (tokens instanceof XeroAccessTokens refreshing) {
                builder.onTokenRejected(refreshing::reject);
            }
            accounting = builder.build();
        }
        return accounting;
    }
}
