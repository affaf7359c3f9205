package dev.handoff.config;

import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.aws.AwsClients;
import dev.handoff.error.ConfigurationException;
import dev.handoff.review.ReviewPolicy;
import java.math.BigDecimal;
import java.net.URI;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Settings read once per function instance from the Lambda environment and the configuration file
 * ({@link ConfigFile}). Each getter for a required variable throws {@link ConfigurationException} naming the
 * variable, so a function fails at its first use with a message that names the value to set. For the settings
 * the file also contains (won stages, invoice settings, onboarding rule), a non-blank environment variable
 * overrides the file. docs/configuration.md lists every variable and key.
 */
public final class HandoffConfig {

    public static final String DEFAULT_HUBSPOT_API = "https://api.hubapi.com";
    public static final String DEFAULT_XERO_API = "https://api.xero.com/api.xro/2.0";

    private final Map<String, String> environment;
    private ConfigFile file;

    public HandoffConfig(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * Returns the configuration file, loading and validating it on the first call.
     *
     * @throws ConfigurationException naming each invalid key and its fix, or the source that could not be read
     */
    public synchronized ConfigFile file() {
        if (file == null) {
            file = ConfigFile.load(environment, this::readSsmParameter);
        }
        return file;
    }

    public String ledgerTable() {
        return required("LEDGER_TABLE", "the ledger's DynamoDB table name");
    }

    public String dealWonQueueUrl() {
        return required("DEAL_WON_QUEUE_URL", "the URL of the deal-won SQS queue");
    }

    public String invoiceQueueUrl() {
        return required("INVOICE_QUEUE_URL", "the URL of the invoice-request SQS queue");
    }

    public String paymentEventsQueueUrl() {
        return required("PAYMENT_EVENTS_QUEUE_URL", "the URL of the payment-event SQS queue");
    }

    public String onboardingQueueUrl() {
        return required("ONBOARDING_QUEUE_URL", "the URL of the onboarding FIFO queue");
    }

    public String xeroTenantId() {
        return required("XERO_TENANT_ID", "the Xero organisation's tenant id");
    }

    /** Returns the HubSpot portal (account) id this deployment serves. Events from other portals are ignored. */
    public String hubSpotPortalId() {
        return required("HUBSPOT_PORTAL_ID", "the HubSpot portal id (Hub ID) this deployment serves");
    }

    public ZoneId organisationTimeZone() {
        String value = optional("ORG_TIME_ZONE").orElseGet(() -> file().timeZone());
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw new ConfigurationException("ORG_TIME_ZONE '" + value
                    + "' is not a time zone id; use a region id such as Africa/Johannesburg", e);
        }
    }

    public WonStages wonStages() {
        return optional("HUBSPOT_WON_STAGES").map(WonStages::parse).orElseGet(() -> file().wonStages());
    }

    /** Returns the URL HubSpot calls, when a custom domain makes it differ from the request's host and path. */
    public Optional<URI> hubSpotPublicWebhookUrl() {
        return optional("HUBSPOT_PUBLIC_WEBHOOK_URL").map(value -> parseUri("HUBSPOT_PUBLIC_WEBHOOK_URL", value));
    }

    public URI hubSpotApiBaseUrl() {
        return parseUri("HUBSPOT_API_BASE_URL", optional("HUBSPOT_API_BASE_URL").orElse(DEFAULT_HUBSPOT_API));
    }

    public URI xeroApiBaseUrl() {
        return parseUri("XERO_API_BASE_URL", optional("XERO_API_BASE_URL").orElse(DEFAULT_XERO_API));
    }

    /** Xero invoice status on creation: AUTHORISED (default, so payments can be applied) or DRAFT. */
    public String invoiceStatus() {
        String value = optional("INVOICE_STATUS").orElseGet(() -> file().invoiceStatus()).toUpperCase(Locale.ROOT);
        if (!value.equals("AUTHORISED") && !value.equals("DRAFT")) {
            throw new ConfigurationException("INVOICE_STATUS '" + value + "' is invalid; use AUTHORISED or DRAFT");
        }
        return value;
    }

    public int paymentTermsDays() {
        String value = optional("PAYMENT_TERMS_DAYS").orElseGet(() -> Integer.toString(file().paymentTermsDays()));
        try {
            int days = Integer.parseInt(value.trim());
            if (days < 0 || days > 365) {
                throw new NumberFormatException();
            }
            return days;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("PAYMENT_TERMS_DAYS '" + value + "' is invalid; use whole days from 0 to 365");
        }
    }

    public OnboardingRule onboardingRule() {
        return OnboardingRule.parse(optional("ONBOARDING_RULE").orElseGet(() -> file().onboardingRule()));
    }

    public PriceBasis priceBasis() {
        String value = optional("PRICE_BASIS").orElseGet(() -> file().priceBasis().name());
        try {
            return PriceBasis.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("PRICE_BASIS '" + value + "' is invalid; use EXCLUSIVE or INCLUSIVE");
        }
    }

    public String salesAccountCode() {
        return optional("SALES_ACCOUNT_CODE").orElseGet(() -> file().salesAccountCode());
    }

    public TaxCategory defaultTaxCategory() {
        String value = optional("DEFAULT_TAX_CATEGORY").orElseGet(() -> file().defaultTaxCategory().name());
        return TaxCategory.parse(value).orElseThrow(() -> new ConfigurationException("DEFAULT_TAX_CATEGORY '"
                + value + "' is invalid; use STANDARD, ZERO_RATED, ZERO_RATED_EXPORT or EXEMPT"));
    }

    /** The VAT rate that the standard tax type must carry, in percent. */
    public BigDecimal standardVatRate() {
        String value = optional("STANDARD_VAT_RATE").orElseGet(() -> file().standardVatRate().toPlainString());
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("STANDARD_VAT_RATE '" + value + "' is not a number; use a percentage such as 15.00");
        }
    }

    /** Returns the thresholds of the review rules, from the configuration file's {@code review} section. */
    public ReviewPolicy reviewPolicy() {
        return file().reviewPolicy();
    }

    /**
     * Returns how many times faster than real time Handoff's Xero call budget counts its minute and day windows.
     * The default is 1, for AWS. The benchmark sets it to the Xero simulator's time scale.
     */
    public double xeroLimitTimeScale() {
        String value = optional("XERO_LIMIT_TIME_SCALE").orElse("1");
        try {
            double scale = Double.parseDouble(value);
            if (scale >= 1 && scale <= 1000) {
                return scale;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new ConfigurationException("XERO_LIMIT_TIME_SCALE '" + value
                + "' is invalid; use a number from 1 (Xero's real limits, as in AWS) to 1000");
    }

    /** Secrets Manager secret id, empty when secrets come straight from the environment (local stack). */
    public Optional<String> secretId() {
        return optional("HANDOFF_SECRET_ID");
    }

    public Optional<String> optional(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String required(String name, String meaning) {
        return optional(name).orElseThrow(() -> new ConfigurationException(
                "Environment variable " + name + " is missing; set it to " + meaning));
    }

    /** Reads a parameter. A hierarchical name given without its leading slash, as the template takes it, gets one. */
    private String readSsmParameter(String name) {
        String fullName = name.contains("/") && !name.startsWith("/") ? "/" + name : name;
        try (SsmClient ssm = new AwsClients(this).ssm()) {
            return ssm.getParameter(request -> request.name(fullName).withDecryption(true)).parameter().value();
        } catch (SdkException e) {
            throw new ConfigurationException("SSM parameter " + name + " could not be read; check HANDOFF_CONFIG_SSM_PARAMETER"
                    + " and that the function may call ssm:GetParameter on it", e);
        }
    }

    private static URI parseUri(String name, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(name + " '" + value + "' is not an absolute URL", e);
        }
    }
}
