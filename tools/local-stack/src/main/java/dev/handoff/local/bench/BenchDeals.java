package dev.handoff.local.bench;

import dev.handoff.local.LocalSettings;
import dev.handoff.simulator.hubspot.HubSpotSimulator;
import dev.handoff.simulator.hubspot.WebhookSender;
import dev.handoff.simulator.hubspot.WebhookSender.DealStageChange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Made-up won deals for the benchmark, seeded in a HubSpot simulator, and the signed webhooks that announce them.
 * Every company is finance-ready, so a handoff only stops for a reason the benchmark wants to see.
 */
final class BenchDeals {

    private static final long FIRST_DEAL_ID = 49_000_000_000L;
    private static final long FIRST_COMPANY_ID = 72_000_000L;
    private static final long FIRST_LINE_ITEM_ID = 92_000_000L;
    private static final long FIRST_CONTACT_ID = 82_000_000L;
    private static final long FIRST_EVENT_ID = 6_000_000_000L;

    private final HubSpotSimulator hubspot;
    private final WebhookSender sender = new WebhookSender(LocalSettings.HUBSPOT_CLIENT_SECRET, Clock.systemUTC());
    private final AtomicLong nextEventId = new AtomicLong(FIRST_EVENT_ID);

    BenchDeals(HubSpotSimulator hubspot) {
        this.hubspot = hubspot;
    }

    /** Seeds deal number {@code number} with a company of its own, a customer Xero has not seen; returns the deal id. */
    String seedNewCustomerDeal(int number) {
        String companyId = Long.toString(FIRST_COMPANY_ID + number);
        hubspot.putCompany(companyId, company(number));
        return seedDeal(number, companyId);
    }

    /** Seeds deal number {@code number} for the company of an earlier deal, a repeat customer; returns the deal id. */
    String seedRepeatCustomerDeal(int number, int earlierNumber) {
        return seedDeal(number, Long.toString(FIRST_COMPANY_ID + earlierNumber));
    }

    /** Returns a webhook delivery body with one move of the deal into the won stage. */
    byte[] wonEventBody(String dealId) {
        DealStageChange change = new DealStageChange(nextEventId.getAndIncrement(), Long.parseLong(LocalSettings.PORTAL_ID),
                Long.parseLong(dealId), "closedwon", 1);
        return WebhookSender.dealStageChangeBody(change, Clock.systemUTC().millis() - 1_000);
    }

    /** POSTs a freshly signed won-deal webhook to {@code webhookUrl} and returns the HTTP status. */
    int sendWon(URI webhookUrl, String dealId) throws IOException, InterruptedException {
        HttpResponse<String> response = sender.send(webhookUrl, webhookUrl.toString(), wonEventBody(dealId));
        return response.statusCode();
    }

    private String seedDeal(int number, String companyId) {
        String dealId = Long.toString(FIRST_DEAL_ID + number);
        String lineItemId = Long.toString(FIRST_LINE_ITEM_ID + number);
        String contactId = Long.toString(FIRST_CONTACT_ID + number);
        String suffix = String.format("%05d", number);
        hubspot.putContact(contactId, Map.of(
                "firstname", "Bench",
                "lastname", "Buyer " + suffix,
                "email", "buyer-" + suffix + "@bench-customer.test"));
        hubspot.putLineItem(lineItemId, Map.of(
                "name", "Bookkeeping retainer",
                "quantity", "3",
                "price", "1200.00",
                "handoff_tax_category", "standard"));
        Map<String, String> deal = new LinkedHashMap<>();
        deal.put("dealname", "Benchmark deal " + number);
        deal.put("pipeline", "default");
        deal.put("dealstage", "closedwon");
        deal.put("closedate", "2026-03-02T10:00:00Z");
        deal.put("amount", "3600.00");
        deal.put("deal_currency_code", "ZAR");
        hubspot.putDeal(dealId, deal, List.of(companyId), List.of(contactId), List.of(lineItemId));
        return dealId;
    }

    /** Returns a made-up finance-ready company, with a VAT number of 10 digits starting with 4 as SARS issues them. */
    private static Map<String, String> company(int number) {
        String suffix = String.format("%05d", number);
        Map<String, String> company = new LinkedHashMap<>();
        company.put("name", "Bench Customer " + suffix + " (Pty) Ltd");
        company.put("handoff_legal_name", "Bench Customer " + suffix + " (Pty) Ltd");
        company.put("handoff_vat_number", "41" + String.format("%08d", number));
        company.put("handoff_billing_email", "accounts-" + suffix + "@bench-customer.test");
        company.put("address", number + " Benchmark Avenue");
        company.put("city", "Bloemfontein");
        company.put("state", "Free State");
        company.put("zip", "9301");
        company.put("country", "South Africa");
        return company;
    }
}
