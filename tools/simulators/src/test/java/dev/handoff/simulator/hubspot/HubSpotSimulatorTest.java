package dev.handoff.simulator.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubSpotSimulatorTest {

    private static final String TOKEN = "test-only-simulator-token";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HubSpotSimulator simulator;

    @BeforeEach
    void start() {
        simulator = HubSpotSimulator.start(0, TOKEN, Clock.fixed(Instant.parse("2026-03-01T06:00:00Z"), ZoneOffset.UTC));
        simulator.seedDemoPortal();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void simulatorBindsLoopbackOnFreePort() {
        assertThat(simulator.port()).isPositive();
        assertThat(simulator.baseUrl().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void getDealReturnsRequestedPropertiesAndAssociations() throws Exception {
        HttpResponse<String> response = send("GET", "/crm/v3/objects/deals/48000000001"
                + "?properties=dealname,dealstage,pipeline,closedate,amount,deal_currency_code"
                + "&associations=companies,contacts,line_items", null, TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode deal = MAPPER.readTree(response.body());
        assertThat(deal.path("id").asText()).isEqualTo("48000000001");
        assertThat(deal.path("properties").path("dealstage").asText()).isEqualTo("closedwon");
        assertThat(deal.path("properties").path("pipeline").asText()).isEqualTo("default");
        assertThat(deal.path("properties").path("closedate").asText()).isEqualTo("2026-02-28T22:30:00Z");
        assertThat(deal.path("properties").path("amount").asText()).isEqualTo("11500.00");
        assertThat(deal.path("properties").path("deal_currency_code").asText()).isEqualTo("ZAR");
        assertThat(deal.at("/associations/companies/results/0/id").asText()).isEqualTo("7001");
        assertThat(deal.at("/associations/companies/results/0/type").asText()).isEqualTo("deal_to_company");
        assertThat(deal.at("/associations/contacts/results/0/id").asText()).isEqualTo("8001");
        assertThat(deal.at("/associations/line_items/results").findValuesAsText("id")).containsExactly("9001", "9002");
    }

    @Test
    void getDealOmitsUnrequestedProperties() throws Exception {
        HttpResponse<String> response = send("GET", "/crm/v3/objects/deals/48000000001?properties=dealstage", null, TOKEN);

        JsonNode deal = MAPPER.readTree(response.body());
        assertThat(deal.path("properties").has("dealname")).isFalse();
        assertThat(deal.has("associations")).isFalse();
    }

    @Test
    void getUnknownDealIsNotFound() throws Exception {
        HttpResponse<String> response = send("GET", "/crm/v3/objects/deals/48000000009", null, TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(MAPPER.readTree(response.body()).path("category").asText()).isEqualTo("OBJECT_NOT_FOUND");
    }

    @Test
    void batchReadReturnsCompanyProperties() throws Exception {
        HttpResponse<String> response = send("POST", "/crm/v3/objects/companies/batch/read",
                "{\"properties\":[\"name\",\"handoff_vat_number\",\"city\"],\"inputs\":[{\"id\":\"7001\"}]}", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = MAPPER.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("COMPLETE");
        assertThat(body.at("/results/0/id").asText()).isEqualTo("7001");
        assertThat(body.at("/results/0/properties/name").asText()).isEqualTo("Example Trading (Pty) Ltd");
        assertThat(body.at("/results/0/properties/handoff_vat_number").asText()).isEqualTo("4000000000");
        assertThat(body.at("/results/0/properties/city").asText()).isEqualTo("Johannesburg");
    }

    @Test
    void batchReadLineItemsInInputOrder() throws Exception {
        HttpResponse<String> response = send("POST", "/crm/v3/objects/line_items/batch/read",
                "{\"properties\":[\"name\",\"price\",\"quantity\"],\"inputs\":[{\"id\":\"9002\"},{\"id\":\"9001\"}]}", TOKEN);

        JsonNode results = MAPPER.readTree(response.body()).path("results");
        assertThat(results.findValuesAsText("name")).containsExactly("Onboarding workshop", "Annual licence");
        assertThat(results.at("/1/properties/price").asText()).isEqualTo("10000.00");
    }

    @Test
    void batchReadWithUnknownIdReportsMultiStatus() throws Exception {
        HttpResponse<String> response = send("POST", "/crm/v3/objects/contacts/batch/read",
                "{\"properties\":[\"email\"],\"inputs\":[{\"id\":\"8001\"},{\"id\":\"8999\"}]}", TOKEN);

        assertThat(response.statusCode()).isEqualTo(207);
        JsonNode body = MAPPER.readTree(response.body());
        assertThat(body.path("results")).hasSize(1);
        assertThat(body.at("/errors/0/context/ids/0").asText()).isEqualTo("8999");
    }

    @Test
    void patchDealUpdatesPropertiesAndLog() throws Exception {
        HttpResponse<String> response = send("PATCH", "/crm/v3/objects/deals/48000000001",
                "{\"properties\":{\"acct_invoice_number\":\"INV-0001\",\"acct_invoice_status\":\"AUTHORISED\"}}", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(simulator.dealProperties("48000000001"))
                .containsEntry("acct_invoice_number", "INV-0001")
                .containsEntry("dealstage", "closedwon");
        assertThat(simulator.patchLog()).containsExactly(new DealPatch("48000000001",
                Map.of("acct_invoice_number", "INV-0001", "acct_invoice_status", "AUTHORISED")));
    }

    @Test
    void patchUnknownDealIsNotFoundAndNotLogged() throws Exception {
        HttpResponse<String> response = send("PATCH", "/crm/v3/objects/deals/48000000009",
                "{\"properties\":{\"acct_invoice_status\":\"PAID\"}}", TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(simulator.patchLog()).isEmpty();
    }

    @Test
    void createNoteAttachesToDeal() throws Exception {
        HttpResponse<String> response = send("POST", "/crm/v3/objects/notes",
                "{\"properties\":{\"hs_note_body\":\"Invoice INV-0001 created.\",\"hs_timestamp\":\"2026-03-01T06:00:00Z\"},"
                        + "\"associations\":[{\"to\":{\"id\":\"48000000001\"},"
                        + "\"types\":[{\"associationCategory\":\"HUBSPOT_DEFINED\",\"associationTypeId\":214}]}]}", TOKEN);

        assertThat(response.statusCode()).isEqualTo(201);
        List<HubSpotNote> notes = simulator.notesFor("48000000001");
        assertThat(notes).hasSize(1);
        assertThat(notes.get(0).body()).isEqualTo("Invoice INV-0001 created.");
        assertThat(notes.get(0).timestamp()).isEqualTo("2026-03-01T06:00:00Z");
        assertThat(MAPPER.readTree(response.body()).path("id").asText()).isEqualTo(notes.get(0).id());
    }

    @Test
    void createNoteWithoutTimestampIsRejected() throws Exception {
        HttpResponse<String> response = send("POST", "/crm/v3/objects/notes",
                "{\"properties\":{\"hs_note_body\":\"x\"},\"associations\":[]}", TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(simulator.notesFor("48000000001")).isEmpty();
    }

    @Test
    void requestWithoutTokenIsUnauthorized() throws Exception {
        HttpResponse<String> response = send("GET", "/crm/v3/objects/deals/48000000001", null, null);

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = MAPPER.readTree(response.body());
        assertThat(error.path("status").asText()).isEqualTo("error");
        assertThat(error.path("category").asText()).isEqualTo("INVALID_AUTHENTICATION");
        assertThat(error.path("message").asText()).isNotBlank();
    }

    @Test
    void requestWithWrongTokenIsUnauthorized() throws Exception {
        HttpResponse<String> response = send("PATCH", "/crm/v3/objects/deals/48000000001",
                "{\"properties\":{\"dealstage\":\"closedlost\"}}", "another-token");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(simulator.dealProperties("48000000001")).containsEntry("dealstage", "closedwon");
    }

    @Test
    void typedSeedingServesNewDeal() throws Exception {
        simulator.putCompany("7002", Map.of("name", "Sample Imports CC"));
        simulator.putDeal("48000000002", Map.of("dealstage", "closedwon"), List.of("7002"), List.of(), List.of());

        HttpResponse<String> response = send("GET",
                "/crm/v3/objects/deals/48000000002?properties=dealstage&associations=companies,line_items", null, TOKEN);

        JsonNode deal = MAPPER.readTree(response.body());
        assertThat(deal.at("/associations/companies/results/0/id").asText()).isEqualTo("7002");
        assertThat(deal.path("associations").has("line_items")).isFalse();
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(5))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
