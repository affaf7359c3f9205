package dev.handoff.crm.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmContact;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.crm.DealMergedException;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.DataException;
import dev.handoff.error.NotFoundException;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import dev.handoff.review.ReviewFinding;
import dev.handoff.review.ReviewPolicy;
import dev.handoff.review.ReviewRules;
import dev.handoff.review.ReviewType;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs {@link HubSpotClient} against WireMock stubs that return HubSpot's documented JSON shapes. */
class HubSpotClientContractTest {

    private static final String TOKEN = "test-only-hubspot-access-token";
    private static final String DEAL_PATH = "/crm/v3/objects/deals/48000000001";
    private static final String DEAL_QUERY = "?properties=dealname,dealstage,pipeline,closedate,amount,deal_currency_code"
            + "&associations=companies,contacts,line_items";
    private static final String DEAL_NOTES_PATH = "/crm/v4/objects/deals/48000000001/associations/notes";
    private static final Instant NOW = Instant.parse("2026-03-01T06:00:00Z");

    private WireMockServer wireMock;
    private HubSpotClient client;

    @BeforeEach
    void start() {
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
        client = HubSpotClient.builder(() -> TOKEN, "9999999")
                .baseUrl(URI.create(wireMock.baseUrl()))
                .requestTimeout(Duration.ofSeconds(2))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build();
    }

    @AfterEach
    void stop() {
        wireMock.stop();
    }

    @Test
    void readDealMapsDealAndAssociations() {
        stubDeal(DEAL_PATH, "deal-48000000001.json");
        stubBatchRead("companies", "companies-batch-read.json");
        stubBatchRead("contacts", "contacts-batch-read.json");
        stubBatchRead("line_items", "line-items-batch-read.json");

        CrmDeal deal = client.readDeal("48000000001");

        assertThat(deal.id()).isEqualTo("48000000001");
        assertThat(deal.name()).isEqualTo("Example Trading annual licence");
        assertThat(deal.pipeline()).isEqualTo("default");
        assertThat(deal.stage()).isEqualTo("closedwon");
        assertThat(deal.closeDate()).isEqualTo(Instant.parse("2026-02-28T22:30:00Z"));
        assertThat(deal.amount()).isEqualByComparingTo("11500.00");
        assertThat(deal.currency()).isEqualTo("ZAR");
        assertThat(deal.recordUrl()).isEqualTo("https://app.hubspot.com/contacts/9999999/record/0-3/48000000001");

        assertThat(deal.companies()).hasSize(1);
        CrmCompany company = deal.companies().get(0);
        assertThat(company.id()).isEqualTo("7001");
        assertThat(company.name()).isEqualTo("Example Trading");
        assertThat(company.legalName()).isEqualTo("Example Trading (Pty) Ltd");
        assertThat(company.vatNumber()).isEqualTo("4000000000");
        assertThat(company.registrationNumber()).isEqualTo("2019/123456/07");
        assertThat(company.billingEmail()).isEqualTo("accounts@example-trading.test");
        assertThat(company.billingAddress().line1()).isEqualTo("12 Example Street");
        assertThat(company.billingAddress().line2()).isEqualTo("Unit 3");
        assertThat(company.billingAddress().city()).isEqualTo("Johannesburg");
        assertThat(company.billingAddress().region()).isEqualTo("Gauteng");
        assertThat(company.billingAddress().postalCode()).isEqualTo("2001");
        assertThat(company.billingAddress().country()).isEqualTo("South Africa");

        assertThat(deal.contacts()).containsExactly(
                new CrmContact("8001", "Thandi", "Example", "thandi@example-trading.test"));

        assertThat(deal.lineItems()).extracting(CrmLineItem::id).containsExactly("9001", "9002");
        CrmLineItem licence = deal.lineItems().get(0);
        assertThat(licence.name()).isEqualTo("Annual licence");
        assertThat(licence.description()).isEqualTo("Twelve months, all modules");
        assertThat(licence.quantity()).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(licence.unitPrice()).isEqualByComparingTo("10000.00");
        assertThat(licence.discountPercentage()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(licence.productId()).isEqualTo("6001");
        assertThat(licence.taxCategory()).isEqualTo(TaxCategory.STANDARD);
        CrmLineItem workshop = deal.lineItems().get(1);
        assertThat(workshop.unitPrice()).isEqualByComparingTo("1500.00");
        assertThat(workshop.discountPercentage()).isNull();
        assertThat(workshop.productId()).isNull();
    }

    @Test
    void readDealSendsBearerAndBatchReadBodies() {
        stubDeal(DEAL_PATH, "deal-48000000001.json");
        stubBatchRead("companies", "companies-batch-read.json");
        stubBatchRead("contacts", "contacts-batch-read.json");
        stubBatchRead("line_items", "line-items-batch-read.json");

        client.readDeal("48000000001");

        wireMock.verify(getRequestedFor(urlEqualTo(DEAL_PATH + DEAL_QUERY))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/companies/batch/read"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"properties\":[\"name\",\"handoff_legal_name\",\"handoff_vat_number\","
                        + "\"handoff_registration_number\",\"handoff_billing_email\",\"address\",\"address2\",\"city\","
                        + "\"state\",\"zip\",\"country\"],\"inputs\":[{\"id\":\"7001\"}]}")));
        wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/line_items/batch/read"))
                .withRequestBody(equalToJson("{\"properties\":[\"name\",\"description\",\"quantity\",\"price\","
                        + "\"hs_discount_percentage\",\"hs_product_id\",\"handoff_tax_category\"],"
                        + "\"inputs\":[{\"id\":\"9001\"},{\"id\":\"9002\"}]}")));
    }

    @Test
    void readDealWithoutLineItemsSkipsBatch() {
        stubDeal("/crm/v3/objects/deals/48000000002", "deal-48000000002-no-line-items.json");
        stubBatchRead("companies", "companies-batch-read.json");

        CrmDeal deal = client.readDeal("48000000002");

        assertThat(deal.lineItems()).isEmpty();
        assertThat(deal.contacts()).isEmpty();
        assertThat(deal.companies()).extracting(CrmCompany::id).containsExactly("7001");
        assertThat(deal.closeDate()).isEqualTo(Instant.parse("2026-02-28T22:30:00Z"));
        assertThat(deal.amount()).isNull();
        assertThat(deal.currency()).isNull();
        wireMock.verify(0, postRequestedFor(urlEqualTo("/crm/v3/objects/line_items/batch/read")));
        wireMock.verify(0, postRequestedFor(urlEqualTo("/crm/v3/objects/contacts/batch/read")));
    }

    @Test
    void readDealAcceptsLineItemsKeyWithSpace() {
        String deal = fixture("deal-48000000001.json").replace("\"line_items\":", "\"line items\":");
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH)).willReturn(json(200, deal)));
        stubBatchRead("companies", "companies-batch-read.json");
        stubBatchRead("contacts", "contacts-batch-read.json");
        stubBatchRead("line_items", "line-items-batch-read.json");

        assertThat(client.readDeal("48000000001").lineItems()).hasSize(2);
    }

    @Test
    void readDealMissingBatchResultIsRetryable() {
        stubDeal(DEAL_PATH, "deal-48000000001.json");
        stubBatchRead("companies", "companies-batch-read.json");
        stubBatchRead("contacts", "contacts-batch-read.json");
        wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/line_items/batch/read"))
                .willReturn(json(200, "{\"status\":\"COMPLETE\",\"results\":[]}")));

        assertThatThrownBy(() -> client.readDeal("48000000001"))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("did not return associated record 9001");
    }

    @Test
    void readDealInvalidTaxCategoryIsDataError() {
        stubDeal(DEAL_PATH, "deal-48000000001.json");
        stubBatchRead("companies", "companies-batch-read.json");
        stubBatchRead("contacts", "contacts-batch-read.json");
        wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/line_items/batch/read")).willReturn(json(200,
                fixture("line-items-batch-read.json").replaceFirst("\"standard\"", "\"standrad\""))));

        assertThatThrownBy(() -> client.readDeal("48000000001"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("invalid handoff_tax_category")
                .satisfies(e -> assertThat(((DataException) e).fields()).containsExactly("handoff_tax_category"));
    }

    @Test
    void readDealUnauthorizedIsConfigurationError() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH)).willReturn(json(401, fixture("error-401.json"))));

        assertThatThrownBy(() -> client.readDeal("48000000001"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("HubSpot read deal failed with HTTP 401")
                .hasMessageNotContaining("Authentication credentials");
    }

    @Test
    void readDealUnknownIdIsNotFound() {
        wireMock.stubFor(get(urlPathEqualTo("/crm/v3/objects/deals/48000000009"))
                .willReturn(json(404, fixture("error-404.json"))));

        assertThatThrownBy(() -> client.readDeal("48000000009"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void readDealMergedAwayIsDealMerged() {
        // HubSpot returns the surviving deal 48000000077 for the id of the deal merged into it.
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH)).willReturn(json(200,
                fixture("deal-48000000001.json").replaceFirst("\"id\": \"48000000001\"", "\"id\": \"48000000077\""))));

        assertThatThrownBy(() -> client.readDeal("48000000001"))
                .isInstanceOfSatisfying(DealMergedException.class, merged -> {
                    assertThat(merged.mergedDealId()).isEqualTo("48000000001");
                    assertThat(merged.survivingDealId()).isEqualTo("48000000077");
                    assertThat(merged.fields()).containsExactly("deal");
                });
        wireMock.verify(0, postRequestedFor(urlPathEqualTo("/crm/v3/objects/line_items/batch/read")));
    }

    @Test
    void rateLimitedReadThrottlesForRetryAfter() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH))
                .willReturn(json(429, fixture("error-429.json")).withHeader("Retry-After", "10")));

        assertThatThrownBy(() -> client.readDeal("48000000001"))
                .isInstanceOf(ThrottledException.class)
                .hasMessageContaining("HTTP 429")
                .satisfies(e -> assertThat(((ThrottledException) e).delay()).isEqualTo(Duration.ofSeconds(10)));
    }

    @Test
    void readDealServerErrorIsRetryable() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH))
                .willReturn(json(500, "{\"status\":\"error\",\"message\":\"internal error\",\"category\":\"\"}")));

        assertThatThrownBy(() -> client.readDeal("48000000001"))
                .isInstanceOf(RetryableException.class)
                .hasMessage("HubSpot read deal failed with HTTP 500");
    }

    @Test
    void readDealTimeoutIsRetryable() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH))
                .willReturn(json(200, fixture("deal-48000000001.json")).withFixedDelay(3_000)));

        assertThatThrownBy(() -> client.readDeal("48000000001"))
                .isInstanceOf(RetryableException.class)
                .hasMessage("HubSpot read deal timed out");
    }

    @Test
    void readDealConnectionResetIsRetryable() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> client.readDeal("48000000001"))
                .isInstanceOf(RetryableException.class)
                .hasMessageStartingWith("HubSpot read deal failed");
    }

    @Test
    void readDealNonJsonBodyIsProtocolError() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH))
                .willReturn(aResponse().withStatus(200).withBody("<html>Example Trading maintenance</html>")));

        assertThatThrownBy(() -> client.readDeal("48000000001"))
                .isInstanceOf(HubSpotProtocolException.class)
                .hasMessage("HubSpot read deal returned HTTP 200 with a body that is not JSON")
                .hasNoCause();
    }

    @Test
    void readDealRejectsNonNumericId() {
        assertThatThrownBy(() -> client.readDeal("../contacts/1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void readDealEmptyTokenIsConfigurationError() {
        HubSpotClient withoutToken = HubSpotClient.builder(() -> "", "9999999")
                .baseUrl(URI.create(wireMock.baseUrl()))
                .build();

        assertThatThrownBy(() -> withoutToken.readDeal("48000000001"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("HUBSPOT_ACCESS_TOKEN");
    }

    @Test
    void updateDealPatchesExactlyGivenProperties() {
        wireMock.stubFor(patch(urlPathEqualTo(DEAL_PATH))
                .willReturn(json(200, "{\"id\":\"48000000001\",\"properties\":{}}")));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("acct_invoice_number", "INV-0001");
        properties.put("acct_invoice_status", "AUTHORISED");

        client.updateDeal("48000000001", properties);

        wireMock.verify(patchRequestedFor(urlEqualTo(DEAL_PATH))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(
                        "{\"properties\":{\"acct_invoice_number\":\"INV-0001\",\"acct_invoice_status\":\"AUTHORISED\"}}")));
    }

    @Test
    void updateDealForbiddenIsConfigurationError() {
        wireMock.stubFor(patch(urlPathEqualTo(DEAL_PATH)).willReturn(json(403,
                "{\"status\":\"error\",\"message\":\"missing scopes\",\"category\":\"MISSING_SCOPES\"}")));

        assertThatThrownBy(() -> client.updateDeal("48000000001", Map.of("acct_invoice_status", "PAID")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("HubSpot update deal failed with HTTP 403");
    }

    @Test
    void addDealNoteSendsBodyTimestampAndAssociation() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_NOTES_PATH)).willReturn(json(200, "{\"results\":[]}")));
        wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/notes")).willReturn(json(201, "{\"id\":\"5001\"}")));

        client.addDealNote("48000000001", "Invoice INV-0001 created in Xero.");

        wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/notes"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("{\"properties\":{\"hs_note_body\":\"Invoice INV-0001 created in Xero.\","
                        + "\"hs_timestamp\":\"2026-03-01T06:00:00Z\"},"
                        + "\"associations\":[{\"to\":{\"id\":\"48000000001\"},"
                        + "\"types\":[{\"associationCategory\":\"HUBSPOT_DEFINED\",\"associationTypeId\":214}]}]}"))
                .withRequestBody(matchingJsonPath("$.associations[0].types[0].associationTypeId", equalTo("214"))));
    }

    @Test
    void addDealNoteSkipsNoteDealAlreadyHas() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_NOTES_PATH)).willReturn(json(200, fixture("deal-notes-associations.json"))));
        wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/notes/batch/read"))
                .willReturn(json(200, fixture("notes-batch-read.json"))));

        client.addDealNote("48000000001", "Handoff to accounting is on hold. Missing or invalid deal data: deal.line_items.");

        wireMock.verify(getRequestedFor(urlEqualTo(DEAL_NOTES_PATH + "?limit=500")));
        wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/notes/batch/read"))
                .withRequestBody(equalToJson("{\"properties\":[\"hs_note_body\"],"
                        + "\"inputs\":[{\"id\":\"5000000001\"},{\"id\":\"5000000002\"}]}")));
        wireMock.verify(0, postRequestedFor(urlEqualTo("/crm/v3/objects/notes")));
    }

    @Test
    void addDealNoteAddsNoteWithNewText() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_NOTES_PATH)).willReturn(json(200, fixture("deal-notes-associations.json"))));
        wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/notes/batch/read"))
                .willReturn(json(200, fixture("notes-batch-read.json"))));
        wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/notes")).willReturn(json(201, "{\"id\":\"5000000003\"}")));

        client.addDealNote("48000000001", "Handoff to accounting is on hold. The deal amount changed.");

        wireMock.verify(1, postRequestedFor(urlEqualTo("/crm/v3/objects/notes")));
    }

    @Test
    void addDealNoteDeletedDealNotFound() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_NOTES_PATH)).willReturn(json(404, fixture("error-404.json"))));

        assertThatThrownBy(() -> client.addDealNote("48000000001", "On hold."))
                .isInstanceOf(NotFoundException.class)
                .hasMessageStartingWith("HubSpot list deal notes failed with HTTP 404");
    }

    @Test
    void readDealPipelinesMapsStagesAndWonMetadata() {
        wireMock.stubFor(get(urlEqualTo("/crm/v3/pipelines/deals")).willReturn(json(200, fixture("deal-pipelines.json"))));

        List<HubSpotPipeline> pipelines = client.readDealPipelines();

        assertThat(pipelines).hasSize(1);
        assertThat(pipelines.get(0).id()).isEqualTo("default");
        assertThat(pipelines.get(0).stages()).extracting(HubSpotPipeline.Stage::id)
                .containsExactly("appointmentscheduled", "qualifiedtobuy", "contractsent", "closedwon", "closedlost");
        assertThat(pipelines.get(0).stages()).filteredOn(HubSpotPipeline.Stage::looksWon)
                .extracting(HubSpotPipeline.Stage::id).containsExactly("closedwon");
    }

    @Test
    void readProductPricesBatchReadsCatalogue() {
        stubBatchRead("products", "products-batch-read.json");

        Map<String, BigDecimal> prices = client.readProductPrices(List.of("1101", "1102", "1101"));

        assertThat(prices).containsOnly(Map.entry("1101", new BigDecimal("10000.00")));
        wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/products/batch/read"))
                .withRequestBody(equalToJson("{\"properties\":[\"price\"],\"inputs\":[{\"id\":\"1101\"},{\"id\":\"1102\"}]}")));
    }

    @Test
    void cataloguePricesLeaveOutProductsNotReturned() {
        wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/products/batch/read")).willReturn(json(207, """
                {"status": "COMPLETE",
                 "results": [{"id": "1101", "properties": {"hs_object_id": "1101", "price": "10000.00"}, "archived": false}],
                 "numErrors": 1,
                 "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND",
                             "message": "Could not get some products objects, they may be deleted or not exist.",
                             "context": {"ids": ["1103"]}}],
                 "startedAt": "2026-03-01T06:00:01.000Z", "completedAt": "2026-03-01T06:00:01.020Z"}
                """)));

        Map<String, BigDecimal> prices = client.cataloguePrices(List.of("1101", "1103"));

        assertThat(prices).containsOnly(Map.entry("1101", new BigDecimal("10000.00")));
    }

    /**
     * Reads line 9001 (product 6001, catalogue price 10000.00) at each unit price and applies the default 10%
     * below-catalogue limit: 9000.00 is exactly 10% below and passes, 8999.99 is held.
     */
    @Test
    void belowCatalogueLimitAtBoundary() {
        ReviewRules rules = new ReviewRules(ReviewPolicy.southAfricanDefaults(), PriceBasis.EXCLUSIVE,
                new BigDecimal("15.00"), TaxCategory.STANDARD);
        Map<String, Integer> findingsByLinePrice = new LinkedHashMap<>();
        for (String linePrice : List.of("9000.00", "8999.99")) {
            wireMock.resetAll();
            stubDeal(DEAL_PATH, "deal-48000000001.json");
            stubBatchRead("companies", "companies-batch-read.json");
            stubBatchRead("contacts", "contacts-batch-read.json");
            wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/line_items/batch/read")).willReturn(json(200,
                    fixture("line-items-batch-read.json").replace("\"price\": \"10000.00\"", "\"price\": \"" + linePrice + "\""))));
            wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/products/batch/read")).willReturn(json(200,
                    "{\"status\":\"COMPLETE\",\"results\":[{\"id\":\"6001\",\"properties\":{\"price\":\"10000.00\"}}]}")));

            CrmDeal deal = client.readDeal("48000000001");
            List<String> productIds = deal.lineItems().stream().map(CrmLineItem::productId).filter(Objects::nonNull).toList();
            List<ReviewFinding> findings = rules.pricing(deal, client.cataloguePrices(productIds));
            findingsByLinePrice.put(linePrice, findings.size());
            if (!findings.isEmpty()) {
                assertThat(findings.get(0).type()).isEqualTo(ReviewType.PRICING_OVERRIDE);
                assertThat(findings.get(0).fields()).containsExactly("line_item.9001.price");
            }
        }

        assertThat(findingsByLinePrice).containsEntry("9000.00", 0);
        assertThat(findingsByLinePrice).containsEntry("8999.99", 1);
        wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/products/batch/read"))
                .withRequestBody(equalToJson("{\"properties\":[\"price\"],\"inputs\":[{\"id\":\"6001\"}]}")));
    }

    private void stubDeal(String path, String fixture) {
        wireMock.stubFor(get(urlPathEqualTo(path)).willReturn(json(200, fixture(fixture))));
    }

    private void stubBatchRead(String objectType, String fixture) {
        MappingBuilder mapping = post(urlPathEqualTo("/crm/v3/objects/" + objectType + "/batch/read"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN));
        wireMock.stubFor(mapping.willReturn(json(200, fixture(fixture))));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8").withBody(body);
    }

    private static String fixture(String name) {
        return new String(HubSpotSignatureVerifierTest.resource("hubspot/" + name), StandardCharsets.UTF_8);
    }
}
