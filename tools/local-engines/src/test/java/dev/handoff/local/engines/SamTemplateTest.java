package dev.handoff.local.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.local.engines.FunctionDefinition.HttpApiEvent;
import dev.handoff.local.engines.FunctionDefinition.SqsEventSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SamTemplateTest {

    private static final SamTemplate TEMPLATE = SamTemplate.read(RepositoryRoot.template(), "handoff");

    /** Resolves queue references to fake URLs and ARNs built from the logical id. */
    private static final ResourceResolver FAKE_QUEUES = new ResourceResolver() {
        @Override
        public Optional<String> ref(String logicalId) {
            return TEMPLATE.queue(logicalId).map(queue -> "http://127.0.0.1:9/000000000000/" + queue.name());
        }

        @Override
        public Optional<String> attribute(String logicalId, String attribute) {
            return TEMPLATE.queue(logicalId).map(queue -> switch (attribute) {
                case "Arn" -> "arn:aws:sqs:af-south-1:000000000000:" + queue.name();
                case "QueueName" -> queue.name();
                default -> null;
            });
        }
    };

    @Test
    void functionsAndHandlersAreRead() {
        assertThat(TEMPLATE.functions()).hasSize(8);
        assertThat(TEMPLATE.function("DealWonWebhookFunction").handler())
                .isEqualTo("dev.handoff.function.dealwon.DealWonWebhookHandler::handleRequest");
        assertThat(TEMPLATE.function("InvoiceCreationFunction").handler())
                .isEqualTo("dev.handoff.function.invoice.InvoiceCreationHandler::handleRequest");
        assertThat(TEMPLATE.function("CustomerUpsertFunction").codeUri()).isEqualTo("functions/customer-upsert/target/handoff-customer-upsert-lambda.jar");
    }

    @Test
    void scheduleEventIsListedNotEmulated() {
        assertThat(TEMPLATE.unemulatedEvents()).singleElement().asString()
                .isEqualTo("XeroTokenKeepAliveFunction.Events.Daily (Schedule)");
    }

    @Test
    void functionTimeoutOverridesGlobals() {
        assertThat(TEMPLATE.function("DealWonWebhookFunction").timeoutSeconds()).isEqualTo(10);
        assertThat(TEMPLATE.function("CustomerUpsertFunction").timeoutSeconds()).isEqualTo(60);
        assertThat(TEMPLATE.function("PaymentStatusCallbackFunction").timeoutSeconds()).isEqualTo(10);
        assertThat(TEMPLATE.function("CustomerUpsertFunction").memorySizeMb()).isEqualTo(1024);
    }

    @Test
    void httpApiEventsHaveRoutes() {
        assertThat(TEMPLATE.function("DealWonWebhookFunction").httpApiEvents())
                .containsExactly(new HttpApiEvent("HubSpotWebhook", "/webhooks/hubspot", "POST", "2.0"));
        assertThat(TEMPLATE.function("PaymentStatusCallbackFunction").httpApiEvents())
                .extracting(HttpApiEvent::routeKey)
                .containsExactly("POST /webhooks/xero");
        assertThat(TEMPLATE.function("XeroConnectFunction").httpApiEvents())
                .extracting(HttpApiEvent::routeKey)
                .containsExactly("GET /connect/xero", "GET /connect/xero/callback");
        assertThat(TEMPLATE.function("ReviewOpsFunction").httpApiEvents())
                .extracting(HttpApiEvent::routeKey)
                .containsExactly("GET /ops/reviews", "GET /ops/reviews/item", "POST /ops/reviews/approve",
                        "POST /ops/reviews/reject");
    }

    @Test
    void sqsEventsHaveQueueAndBatchSize() {
        SqsEventSource dealWon = TEMPLATE.function("CustomerUpsertFunction").sqsEvents().get(0);
        assertThat(dealWon.queueLogicalId()).isEqualTo("DealWonQueue");
        assertThat(dealWon.batchSize()).isEqualTo(10);
        assertThat(dealWon.reportsBatchItemFailures()).isTrue();

        SqsEventSource invoices = TEMPLATE.function("InvoiceCreationFunction").sqsEvents().get(0);
        assertThat(invoices.queueLogicalId()).isEqualTo("InvoiceRequestQueue");
        assertThat(invoices.batchSize()).isEqualTo(5);
    }

    @Test
    void queuesHaveNamesAndRedrive() {
        QueueDefinition dealWon = TEMPLATE.queue("DealWonQueue").orElseThrow();
        assertThat(dealWon.name()).isEqualTo("handoff-deal-won");
        assertThat(dealWon.visibilityTimeoutSeconds()).hasValue(360);
        assertThat(dealWon.redrive()).contains(new QueueDefinition.Redrive("DealWonDeadLetterQueue", 5));

        QueueDefinition onboardingDlq = TEMPLATE.queue("OnboardingDeadLetterQueue").orElseThrow();
        assertThat(onboardingDlq.name()).isEqualTo("handoff-onboarding-dlq.fifo");
        assertThat(onboardingDlq.fifo()).isTrue();
        assertThat(onboardingDlq.messageRetentionPeriodSeconds()).hasValue(1209600);
        assertThat(onboardingDlq.redrive()).isEmpty();
        assertThat(TEMPLATE.queues()).hasSize(8);
    }

    @Test
    void tableHasKeysIndexAndTtl() {
        TableDefinition ledger = TEMPLATE.table("LedgerTable").orElseThrow();
        assertThat(ledger.name()).isEqualTo("handoff-LedgerTable");
        assertThat(ledger.keySchema()).extracting(TableDefinition.KeyElement::attributeName).containsExactly("pk", "sk");
        assertThat(ledger.attributeDefinitions()).containsEntry("gsi1pk", "S").hasSize(4);
        assertThat(ledger.globalSecondaryIndexes()).singleElement()
                .satisfies(index -> assertThat(index.indexName()).isEqualTo("gsi1"));
        assertThat(ledger.timeToLiveAttribute()).contains("expiresAt");
        assertThat(ledger.billingMode()).isEqualTo("PAY_PER_REQUEST");
    }

    @Test
    void environmentMergesGlobalsAndResolvesRefs() {
        Map<String, String> environment = TEMPLATE.resolveEnvironment("DealWonWebhookFunction",
                Map.of("XeroTenantId", "tenant-1", "SecretsArn", "arn:local:secret", "HubSpotPortalId", "9999999"), FAKE_QUEUES);

        assertThat(environment).containsEntry("DEAL_WON_QUEUE_URL", "http://127.0.0.1:9/000000000000/handoff-deal-won");
        assertThat(environment).containsEntry("LEDGER_TABLE", "handoff-LedgerTable");
        assertThat(environment).containsEntry("XERO_TENANT_ID", "tenant-1");
        assertThat(environment).containsEntry("HUBSPOT_PORTAL_ID", "9999999");
        assertThat(environment).containsEntry("HANDOFF_SECRET_ID", "arn:local:secret");
        // Blank overrides leave these settings to the configuration file.
        assertThat(environment).containsEntry("HUBSPOT_WON_STAGES", "");
        assertThat(environment).containsEntry("HUBSPOT_PUBLIC_WEBHOOK_URL", "");
        assertThat(environment).containsEntry("PAYMENT_TERMS_DAYS", "");
        assertThat(environment).containsEntry("HANDOFF_CONFIG_SSM_PARAMETER", "");
        assertThat(environment).doesNotContainKey("SALES_ACCOUNT_CODE");
        assertThat(environment).doesNotContainKey("INVOICE_QUEUE_URL");
    }

    @Test
    void hubSpotSettingsReachTheirFunctions() {
        Map<String, String> parameters = Map.of("XeroTenantId", "tenant-1", "SecretsArn", "arn:local:secret",
                "HubSpotPortalId", "9999999");

        assertThat(TEMPLATE.parameters().get("HubSpotRequestBudget").defaultValue()).contains("80");
        assertThat(TEMPLATE.parameters().get("HubSpotAcceptLegacySignatures").defaultValue()).contains("true");
        assertThat(TEMPLATE.resolveEnvironment("DealWonWebhookFunction", parameters, FAKE_QUEUES))
                .containsEntry("HUBSPOT_ACCEPT_LEGACY_SIGNATURES", "true")
                .doesNotContainKey("HUBSPOT_REQUEST_BUDGET");
        for (String function : List.of("CustomerUpsertFunction", "InvoiceCreationFunction", "PaymentStatusSyncFunction",
                "ReviewOpsFunction")) {
            assertThat(TEMPLATE.resolveEnvironment(function, parameters, FAKE_QUEUES))
                    .as(function)
                    .containsEntry("HUBSPOT_REQUEST_BUDGET", "80");
        }
        assertThat(TEMPLATE.resolveEnvironment("CustomerUpsertFunction",
                Map.of("XeroTenantId", "t", "SecretsArn", "s", "HubSpotPortalId", "1", "HubSpotRequestBudget", "150"), FAKE_QUEUES))
                .containsEntry("HUBSPOT_REQUEST_BUDGET", "150");
    }

    @Test
    void functionVariableOverridesGlobal() {
        String yaml = """
                Globals:
                  Function:
                    Environment:
                      Variables: { MODE: global, KEPT: yes-global }
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handleRequest
                      Environment:
                        Variables: { MODE: own }
                """;
        SamTemplate template = SamTemplate.parse(yaml, "s");

        Map<String, String> environment = template.resolveEnvironment("Fn", Map.of(), FAKE_QUEUES);

        assertThat(environment).containsEntry("MODE", "own");
        assertThat(environment).containsEntry("KEPT", "yes-global");
    }

    @Test
    void missingParameterValueNamesVariable() {
        assertThatThrownBy(() -> TEMPLATE.resolveEnvironment("DealWonWebhookFunction", Map.of("SecretsArn", "x"), FAKE_QUEUES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("XERO_TENANT_ID")
                .hasMessageContaining("XeroTenantId");
    }

    @Test
    void unknownQueueReferenceNamesVariable() {
        assertThatThrownBy(() -> TEMPLATE.resolveEnvironment("CustomerUpsertFunction",
                Map.of("XeroTenantId", "t", "SecretsArn", "s", "HubSpotPortalId", "1"), ResourceResolver.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INVOICE_QUEUE_URL")
                .hasMessageContaining("InvoiceRequestQueue");
    }

    @Test
    void unsupportedIntrinsicIsRejected() {
        String yaml = """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handleRequest
                      Environment:
                        Variables:
                          CHOICE: !If [IsProd, a, b]
                          JOINED: !Sub ["${Name}-x", { Name: !Ref AWS::StackName }]
                """;
        SamTemplate template = SamTemplate.parse(yaml, "stack");

        assertThat(template.resolve(template.function("Fn").environment().get("JOINED"), "JOINED", Map.of(), FAKE_QUEUES))
                .isEqualTo("stack-x");
        assertThatThrownBy(() -> template.resolveEnvironment("Fn", Map.of(), FAKE_QUEUES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CHOICE")
                .hasMessageContaining("!If");
    }
}
