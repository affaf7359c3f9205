package dev.handoff.lambda;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.xero.XeroClient;
import dev.handoff.accounting.xero.XeroSignatureVerifier;
import dev.handoff.aws.AwsClients;
import dev.handoff.config.HandoffConfig;
import dev.handoff.config.Secrets;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.hubspot.HubSpotClient;
import dev.handoff.crm.hubspot.HubSpotSignatureVerifier;
import dev.handoff.ledger.Ledger;
import dev.handoff.message.QueuePublisher;
import dev.handoff.observability.Metrics;
import dev.handoff.service.CrmStatusWriter;
import dev.handoff.service.CustomerUpsertService;
import dev.handoff.service.DealWonIntakeService;
import dev.handoff.service.HandoffBlocker;
import dev.handoff.service.InvoiceCreationService;
import dev.handoff.service.InvoiceDrafter;
import dev.handoff.service.PaymentCallbackService;
import dev.handoff.service.PaymentStatusSyncService;
import java.time.Clock;
import java.util.Map;

/**
 * Builds each function's service from its environment, once per function instance. Every collaborator is
 * created on first use, so a function builds only the clients it needs.
 */
public final class HandoffComponents {

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
        this.functionName = functionName;
        this.clock = clock;
    }

    public HandoffConfig config() {
        return config;
    }

    public DealWonIntakeService dealWonIntake() {
        var verifier = new HubSpotSignatureVerifier(secrets().require(Secrets.HUBSPOT_CLIENT_SECRET), clock);
        return new DealWonIntakeService(verifier, ledger(), queue(), config.wonStages(), config.xeroTenantId(),
                config.hubSpotPortalId(), config.dealWonQueueUrl(), Metrics.toStandardOutput(functionName), clock);
    }

    public CustomerUpsertService customerUpsert() {
        return new CustomerUpsertService(ledger(), crm(), accounting(), queue(), blocker(), config.wonStages(),
                config.xeroTenantId(), config.invoiceQueueUrl(), clock);
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
                config.onboardingQueueUrl(), clock);
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
        return new HandoffBlocker(ledger(), crmStatus(), clock);
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
            String token = secrets().require(Secrets.HUBSPOT_ACCESS_TOKEN);
            crm = HubSpotClient.builder(() -> token, config.hubSpotPortalId())
                    .baseUrl(config.hubSpotApiBaseUrl())
                    .clock(clock)
                    .build();
        }
        return crm;
    }

    private AccountingClient accounting() {
        if (accounting == null) {
            String token = secrets().require(Secrets.XERO_ACCESS_TOKEN);
            accounting = XeroClient.builder(config.xeroTenantId(), () -> token)
                    .baseUrl(config.xeroApiBaseUrl())
                    .standardRate(config.standardVatRate())
                    .build();
        }
        return accounting;
    }
}
