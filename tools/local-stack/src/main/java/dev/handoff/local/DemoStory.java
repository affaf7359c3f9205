package dev.handoff.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.TimelineEvent;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The demo: one sample deal from "won" to "paid" through every function, with nothing done by hand between
 * the steps except what a customer does (paying the invoice).
 */
public final class DemoStory {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Counts the demo reports; the story completed when each is what one clean handoff produces. */
    public record Summary(int deals, int customersCreated, int invoicesCreated, int crmUpdates, int onboardingTriggers,
            long exceptions, int dlqMessages) {

        public boolean completed() {
            return deals == 1 && customersCreated == 1 && invoicesCreated == 1 && onboardingTriggers == 1
                    && exceptions == 0 && dlqMessages == 0;
        }

        public String toJson() {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("deals", deals);
            fields.put("customersCreated", customersCreated);
            fields.put("invoicesCreated", invoicesCreated);
            fields.put("crmUpdates", crmUpdates);
            fields.put("onboardingTriggers", onboardingTriggers);
            fields.put("exceptions", exceptions);
            fields.put("dlqMessages", dlqMessages);
            try {
                return JSON.writeValueAsString(fields);
            } catch (IOException e) {
                throw new IllegalStateException("Could not write the summary", e);
            }
        }
    }

    private final LocalHandoff local;
    private final Path repositoryRoot;
    private final PrintStream progress;

    /** @param progress where step-by-step progress goes (standard error, so --json output stays clean) */
    public DemoStory(LocalHandoff local, Path repositoryRoot, PrintStream progress) {
        this.local = local;
        this.repositoryRoot = repositoryRoot;
        this.progress = progress;
    }

    public Summary run() throws IOException, InterruptedException {
        byte[] body = sampleHubSpotBody(repositoryRoot);
        HandoffKey key = HandoffKey.hubspot(LocalSettings.PORTAL_ID, dealIdOf(body));

        progress.println("1. HubSpot sends a signed webhook: deal " + key.dealId() + " moved to closedwon");
        HttpResponse<String> response = new WebhookSender(LocalSettings.HUBSPOT_CLIENT_SECRET, Clock.systemUTC())
                .send(local.hubSpotWebhookUrl(), local.hubSpotWebhookUrl().toString(), body);
        progress.println("   deal-won-webhook answered " + response.statusCode() + " " + response.body());
        local.awaitQuiescence(STEP_TIMEOUT);

        Optional<Handoff> invoiced = local.ledger().find(key);
        progress.println("2. Customer and invoice: handoff is " + invoiced.map(Handoff::state).orElse(null));
        if (invoiced.isPresent() && invoiced.get().state() == HandoffState.INVOICED) {
            payInFull(invoiced.get(), 3);
            local.awaitQuiescence(STEP_TIMEOUT);
        }

        int triggers = drainOnboardingQueue();
        progress.println("4. Onboarding triggers received: " + triggers);
        return new Summary(local.handoffs().size(), local.xero().contacts(LocalSettings.TENANT_ID).size(),
                local.xero().invoices(LocalSettings.TENANT_ID).size(), local.hubspot().patchLog().size(), triggers,
                local.exceptionCount(), local.deadLetterCount());
    }

    /** Prints every handoff's timeline, oldest event first. */
    public void printTimelines(PrintStream out) {
        for (Handoff handoff : local.handoffs()) {
            out.println("Handoff " + handoff.key() + " (" + handoff.state() + ")");
            for (TimelineEvent event : local.ledger().timeline(handoff.key())) {
                out.printf("  %-30s %-15s %-16s %s%n", event.at(), event.step(), event.outcome(),
                        event.detail() == null ? "" : event.detail());
            }
        }
    }

    /**
     * Pays the invoice in full in the Xero simulator, which then sends its signed INVOICE webhook, and prints it
     * as step {@code step} of the caller's story.
     */
    public void payInFull(Handoff handoff, int step) {
        ObjectNode invoice = local.xero().invoices(LocalSettings.TENANT_ID).stream()
                .filter(node -> handoff.invoiceId().equals(node.path("InvoiceID").asText()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Invoice " + handoff.invoiceId() + " is not in the Xero simulator"));
        BigDecimal due = invoice.path("AmountDue").decimalValue();
        progress.println(step + ". The customer pays " + due.toPlainString() + " " + invoice.path("CurrencyCode").asText()
                + " on invoice " + invoice.path("InvoiceNumber").asText() + "; Xero sends a signed webhook");
        local.xero().recordPayment(LocalSettings.TENANT_ID, handoff.invoiceId(), due);
    }

    /** Plays the business's onboarding tooling: receives and deletes every trigger on the onboarding queue. */
    public int drainOnboardingQueue() {
        String url = local.stack().queueUrl("OnboardingQueue");
        int count = 0;
        while (true) {
            List<Message> messages = local.stack().sqs()
                    .receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            if (messages.isEmpty()) {
                return count;
            }
            for (Message message : messages) {
                local.stack().sqs().deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
                count++;
            }
        }
    }

    /** Reads the body of the sample HubSpot event under {@code root}, exactly as API Gateway would deliver it. */
    public static byte[] sampleHubSpotBody(Path root) throws IOException {
        JsonNode event = JSON.readTree(Files.readString(root.resolve(LocalSettings.SAMPLE_HUBSPOT_EVENT)));
        return event.path("body").asText().getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the deal id of the first event in a HubSpot webhook body. */
    public static String dealIdOf(byte[] body) throws IOException {
        return JSON.readTree(body).path(0).path("objectId").asText();
    }
}
