package dev.handoff.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.domain.HandoffKey;
import dev.handoff.ledger.Handoff;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.simulator.hubspot.HubSpotSimulator;
import dev.handoff.simulator.hubspot.WebhookSender;
import dev.handoff.simulator.hubspot.WebhookSender.DealStageChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared steps of the end-to-end tests: starting the local stack, sending signed HubSpot webhooks to its API
 * Gateway emulator, seeding made-up deals in the HubSpot simulator and reading the results back.
 */
public final class LocalHandoffFixtures {

    /** Deal of the sample webhook in events/ and of the simulator's demo portal. */
    static final String SAMPLE_DEAL_ID = "48000000001";

    /** Maximum time a test waits for the stack to go quiet. It is a generous ceiling, not a speed requirement. */
    public static final Duration QUIESCENCE_TIMEOUT = Duration.ofSeconds(90);

    /** Delay after which the local stack receives a failed SQS message again. */
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalHandoffFixtures() {
    }

    /** Starts Handoff on free ports of 127.0.0.1 with the demo portal seeded and onboarding on full payment. */
    public static LocalHandoff startLocalHandoff() {
        return LocalHandoff.start(0, RETRY_DELAY, "PAID");
    }

    static HandoffKey handoffKey(String dealId) {
        return HandoffKey.hubspot(LocalSettings.PORTAL_ID, dealId);
    }

    static Handoff handoff(LocalHandoff local, String dealId) {
        return local.ledger().find(handoffKey(dealId))
                .orElseThrow(() -> new AssertionError("No handoff in the ledger for deal " + dealId));
    }

    public static WebhookSender webhookSender() {
        return new WebhookSender(LocalSettings.HUBSPOT_CLIENT_SECRET, Clock.systemUTC());
    }

    /** Returns the body of events/hubspot-deal-won-webhook.json, the bytes HubSpot sends for the sample deal. */
    static byte[] sampleWebhookBody() {
        try {
            JsonNode event = JSON.readTree(Files.readString(RepositoryRoot.find().resolve(LocalSettings.SAMPLE_HUBSPOT_EVENT)));
            return event.path("body").asText().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read " + LocalSettings.SAMPLE_HUBSPOT_EVENT, e);
        }
    }

    /** Returns a copy of a delivery body with every event's {@code attemptNumber} replaced. */
    static byte[] withAttemptNumber(byte[] body, int attemptNumber) {
        try {
            JsonNode delivery = JSON.readTree(body);
            delivery.forEach(event -> ((ObjectNode) event).put("attemptNumber", attemptNumber));
            return JSON.writeValueAsBytes(delivery);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to rewrite a webhook body", e);
        }
    }

    /** Returns a delivery body with one move of {@code dealId} into the closedwon stage. */
    public static byte[] wonEventBody(long eventId, String dealId, int attemptNumber) {
        DealStageChange change = new DealStageChange(eventId, Long.parseLong(LocalSettings.PORTAL_ID),
                Long.parseLong(dealId), "closedwon", attemptNumber);
        return WebhookSender.dealStageChangeBody(change, Clock.systemUTC().millis() - 1_000);
    }

    /** POSTs a signed delivery to the HubSpot webhook route of the API Gateway emulator. */
    public static HttpResponse<String> sendWebhook(LocalHandoff local, WebhookSender sender, byte[] body) {
        try {
            return sender.send(local.hubSpotWebhookUrl(), local.hubSpotWebhookUrl().toString(), body);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to send a HubSpot webhook", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending a HubSpot webhook", e);
        }
    }

    /**
     * Seeds a won deal whose company is finance-ready: a made-up customer with billing e-mail, full address and
     * VAT number, and one standard-rated line item. Ids derive from {@code dealId}, so each deal has its own
     * company and line item.
     */
    public static void seedReadyDeal(HubSpotSimulator hubspot, String dealId, String companyName, String billingEmail,
            String vatNumber) {
        String companyId = companyIdFor(dealId);
        String lineItemId = lineItemIdFor(dealId);
        hubspot.putCompany(companyId, readyCompany(companyName, billingEmail, vatNumber));
        hubspot.putLineItem(lineItemId, Map.of(
                "name", "Support retainer",
                "quantity", "2",
                "price", "2500.00",
                "handoff_tax_category", "standard"));
        hubspot.putDeal(dealId, wonDealProperties(companyName + " retainer"), List.of(companyId), List.of(),
                List.of(lineItemId));
    }

    /** Returns the properties of a finance-ready made-up company. */
    static Map<String, String> readyCompany(String name, String billingEmail, String vatNumber) {
        Map<String, String> company = new LinkedHashMap<>();
        company.put("name", name);
        company.put("handoff_legal_name", name);
        company.put("handoff_vat_number", vatNumber);
        company.put("handoff_billing_email", billingEmail);
        company.put("address", "3 Sample Road");
        company.put("city", "Gqeberha");
        company.put("state", "Eastern Cape");
        company.put("zip", "6001");
        company.put("country", "South Africa");
        return company;
    }

    static Map<String, String> wonDealProperties(String dealName) {
        Map<String, String> deal = new LinkedHashMap<>();
        deal.put("dealname", dealName);
        deal.put("pipeline", "default");
        deal.put("dealstage", "closedwon");
        deal.put("closedate", "2026-03-10T09:00:00Z");
        deal.put("amount", "5000.00");
        deal.put("deal_currency_code", "ZAR");
        return deal;
    }

    static String companyIdFor(String dealId) {
        return "71" + dealId.substring(dealId.length() - 4);
    }

    static String lineItemIdFor(String dealId) {
        return "91" + dealId.substring(dealId.length() - 4);
    }

    /** Returns the Xero simulator's invoices whose Reference is the deal's, {@code HS-<deal id>}. */
    static List<ObjectNode> invoicesForDeal(LocalHandoff local, String dealId) {
        return local.xero().invoices(LocalSettings.TENANT_ID).stream()
                .filter(invoice -> ("HS-" + dealId).equals(invoice.path("Reference").asText()))
                .toList();
    }

    /** Returns the Xero simulator's contacts whose ContactNumber is the CRM company id. */
    static List<ObjectNode> contactsForCompany(LocalHandoff local, String companyId) {
        return local.xero().contacts(LocalSettings.TENANT_ID).stream()
                .filter(contact -> companyId.equals(contact.path("ContactNumber").asText()))
                .toList();
    }
}
