package dev.handoff.local.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.domain.HandoffState;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalSettings;
import dev.handoff.review.ReviewType;
import dev.handoff.simulator.hubspot.WebhookSender;
import dev.handoff.simulator.hubspot.WebhookSender.DealStageChange;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One demo scenario per review type. Each seeds a made-up company and deal in the HubSpot simulator (and, where
 * the rule needs it, a record in the Xero simulator) that trips exactly one rule of the default configuration.
 */
public final class ReviewScenarios {

    private ReviewScenarios() {
    }

    public static List<DemoScenario> all() {
        return List.of(pricingOverride(), creditDecision(), taxException(), customerMerge(), commercialDispute());
    }

    /** Returns the scenario of a line discounted by 25%, above the 15% maximum. */
    public static ReviewScenario pricingOverride() {
        return new ReviewScenario("pricing-override", "a 25% line discount, above the 15% maximum, waits for a pricing review",
                ReviewType.PRICING_OVERRIDE, "48000000501",
                (local, dealId) -> seedDeal(local, dealId, "Karoo Pumps (Pty) Ltd", line("Borehole pump", "2", "4200.00", "standard", "25")),
                ReviewScenarios::win, true, HandoffState.INVOICED);
    }

    /** Returns the scenario of a new customer's first invoice of R55,200.00 including VAT, above the R50,000.00 limit. */
    public static ReviewScenario creditDecision() {
        return new ReviewScenario("credit-decision", "a new customer's first invoice above R50,000 waits for a credit decision",
                ReviewType.CREDIT_DECISION, "48000000502",
                (local, dealId) -> seedDeal(local, dealId, "Highveld Cold Storage (Pty) Ltd",
                        line("Cold room installation", "1", "48000.00", "standard", null)),
                ReviewScenarios::win, true, HandoffState.INVOICED);
    }

    /** Returns the scenario of a zero-rated line, which finance must confirm qualifies. */
    public static ReviewScenario taxException() {
        return new ReviewScenario("tax-exception", "a zero-rated line waits for a tax review",
                ReviewType.TAX_EXCEPTION, "48000000503",
                (local, dealId) -> seedDeal(local, dealId, "Lowveld Citrus Exports (Pty) Ltd",
                        line("Fruit grading service", "1", "3000.00", "zero_rated", null)),
                ReviewScenarios::win, true, HandoffState.INVOICED);
    }

    /** Returns the scenario where the only Xero contact with the company's contact number is archived. */
    public static ReviewScenario customerMerge() {
        return new ReviewScenario("customer-merge", "an archived-only Xero contact match waits for a customer review",
                ReviewType.CUSTOMER_MERGE, "48000000504",
                (local, dealId) -> {
                    seedDeal(local, dealId, "Drakensberg Trail Gear (Pty) Ltd", line("Hiking kit hire", "4", "650.00", "standard", null));
                    ObjectNode archived = new ObjectMapper().createObjectNode();
                    archived.put("Name", "Drakensberg Trail Gear CC (old)");
                    archived.put("ContactNumber", companyIdFor(dealId));
                    archived.put("ContactStatus", "ARCHIVED");
                    local.xero().seedContact(LocalSettings.TENANT_ID, archived);
                },
                ReviewScenarios::win, true, HandoffState.INVOICED);
    }

    /** Returns the scenario where the invoice is voided in Xero while the deal is still won; approval accepts the void. */
    public static ReviewScenario commercialDispute() {
        return new ReviewScenario("commercial-dispute", "an invoice voided in Xero while the deal is still won waits for a dispute review",
                ReviewType.COMMERCIAL_DISPUTE, "48000000505",
                (local, dealId) -> seedDeal(local, dealId, "Garden Route Joinery (Pty) Ltd",
                        line("Kitchen cabinets", "1", "9000.00", "standard", null)),
                (local, dealId) -> {
                    win(local, dealId);
                    local.awaitQuiescence(java.time.Duration.ofSeconds(90));
                    String invoiceId = local.xero().invoices(LocalSettings.TENANT_ID).stream()
                            .filter(invoice -> ("HS-" + dealId).equals(invoice.path("Reference").asText()))
                            .findFirst()
                            .orElseThrow(() -> new IllegalStateException("The deal was not invoiced, so there is nothing to void"))
                            .path("InvoiceID").asText();
                    local.xero().voidInvoice(LocalSettings.TENANT_ID, invoiceId);
                },
                false, HandoffState.VOIDED);
    }

    /** Sends the signed HubSpot webhook that moves the deal into the won stage. */
    static void win(LocalHandoff local, String dealId) throws Exception {
        long eventId = 3_000_000_000L + Long.parseLong(dealId.substring(dealId.length() - 4));
        DealStageChange change = new DealStageChange(eventId, Long.parseLong(LocalSettings.PORTAL_ID), Long.parseLong(dealId),
                "closedwon", 0);
        byte[] body = WebhookSender.dealStageChangeBody(change, Clock.systemUTC().millis() - 1_000);
        var response = new WebhookSender(LocalSettings.HUBSPOT_CLIENT_SECRET, Clock.systemUTC())
                .send(local.hubSpotWebhookUrl(), local.hubSpotWebhookUrl().toString(), body);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("The local API Gateway returned HTTP " + response.statusCode()
                    + " for the HubSpot webhook; see the log above");
        }
    }

    private static Map<String, String> line(String name, String quantity, String price, String taxCategory, String discount) {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("name", name);
        line.put("quantity", quantity);
        line.put("price", price);
        line.put("handoff_tax_category", taxCategory);
        if (discount != null) {
            line.put("hs_discount_percentage", discount);
        }
        return line;
    }

    /** Seeds a won deal of a finance-ready made-up company with one line item; ids derive from the deal id. */
    private static void seedDeal(LocalHandoff local, String dealId, String companyName, Map<String, String> line) {
        String companyId = companyIdFor(dealId);
        String lineItemId = "91" + dealId.substring(dealId.length() - 4);
        Map<String, String> company = new LinkedHashMap<>();
        company.put("name", companyName);
        company.put("handoff_legal_name", companyName);
        company.put("handoff_vat_number", "4" + dealId.substring(dealId.length() - 9));
        company.put("handoff_registration_number", "2018/" + dealId.substring(dealId.length() - 6) + "/07");
        company.put("handoff_billing_email", "accounts@" + companyId + ".example.test");
        company.put("address", "8 Example Avenue");
        company.put("city", "Bloemfontein");
        company.put("state", "Free State");
        company.put("zip", "9301");
        company.put("country", "South Africa");
        local.hubspot().putCompany(companyId, company);
        local.hubspot().putLineItem(lineItemId, line);

        Map<String, String> deal = new LinkedHashMap<>();
        deal.put("dealname", companyName + " order");
        deal.put("pipeline", "default");
        deal.put("dealstage", "closedwon");
        deal.put("closedate", "2026-03-10T09:00:00Z");
        deal.put("deal_currency_code", "ZAR");
        local.hubspot().putDeal(dealId, deal, List.of(companyId), List.of(), List.of(lineItemId));
    }

    static String companyIdFor(String dealId) {
        return "72" + dealId.substring(dealId.length() - 4);
    }
}
