package dev.handoff.simulator.xero;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class XeroSimulatorTest {

    private static final String TENANT = "0c6f0a3e-0000-4000-8000-0000000000aa";
    private static final String OTHER_TENANT = "0c6f0a3e-0000-4000-8000-0000000000bb";
    private static final String TOKEN = "test-only-access-token";
    private static final String WEBHOOK_KEY =
            "TEST-ONLY-xero-webhook-key-0000000000000000000000000000000000000000000000000000000000==";

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private XeroSimulator xero;
    private String contactId;

    @BeforeEach
    void start() {
        xero = XeroSimulator.builder().tenant(TENANT).tenant(OTHER_TENANT).accessToken(TOKEN).webhookKey(WEBHOOK_KEY).start();
        contactId = xero.seedContact(TENANT, mapper.createObjectNode()
                .put("Name", "Example Trading (Pty) Ltd")
                .put("TaxNumber", "4000000000"));
    }

    @AfterEach
    void stop() {
        xero.close();
    }

    @Test
    void missingTokenIsUnauthorised() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(xero.baseUrl() + "/TaxRates"))
                .header("xero-tenant-id", TENANT).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void unknownTenantIsForbidden() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(xero.baseUrl() + "/TaxRates"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("xero-tenant-id", "0c6f0a3e-0000-4000-8000-0000000000cc").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void taxRatesListSouthAfricanCodes() throws Exception {
        JsonNode rates = call("GET", "/TaxRates", null, null).path("TaxRates");

        assertThat(rates.findValuesAsText("TaxType"))
                .contains("OUTPUT3", "ZERORATED", "ZERORATEDOUTPUT", "EXEMPTOUTPUT", "NONE", "OUTPUT");
        for (JsonNode rate : rates) {
            if (rate.path("TaxType").asText().equals("OUTPUT")) {
                assertThat(rate.path("EffectiveRate").decimalValue()).isEqualByComparingTo("14");
            }
            if (rate.path("TaxType").asText().equals("OUTPUT3")) {
                assertThat(rate.path("EffectiveRate").decimalValue()).isEqualByComparingTo("15");
                assertThat(rate.path("Name").asText()).isEqualTo("Standard Rate Sales");
            }
        }
    }

    @Test
    void duplicateActiveNameIsRejectedPerElement() throws Exception {
        JsonNode response = call("PUT", "/Contacts?summarizeErrors=false",
                "{\"Contacts\":[{\"Name\":\"Example Trading (Pty) Ltd\",\"ContactNumber\":\"hs-company-7001\"}]}", null);

        JsonNode element = response.path("Contacts").get(0);
        assertThat(element.path("ContactID").asText()).isEqualTo("00000000-0000-0000-0000-000000000000");
        assertThat(element.path("HasValidationErrors").asBoolean()).isTrue();
        assertThat(element.path("ValidationErrors").get(0).path("Message").asText()).isEqualTo(
                "The contact name Example Trading (Pty) Ltd is already assigned to another contact. "
                        + "The contact name must be unique across all active contacts.");
        assertThat(xero.contacts(TENANT)).hasSize(1);
    }

    @Test
    void archivedContactFreesItsName() throws Exception {
        xero.seedContact(OTHER_TENANT, mapper.createObjectNode().put("Name", "Example Ltd").put("ContactStatus", "ARCHIVED"));

        JsonNode response = callAs(OTHER_TENANT, "PUT", "/Contacts?summarizeErrors=false",
                "{\"Contacts\":[{\"Name\":\"Example Ltd\"}]}");

        assertThat(response.path("Contacts").get(0).path("HasValidationErrors").asBoolean()).isFalse();
        assertThat(xero.contacts(OTHER_TENANT)).hasSize(2);
    }

    @Test
    void contactLookupsByNumberTaxNumberAndSearch() throws Exception {
        call("POST", "/Contacts/" + contactId, "{\"Contacts\":[{\"ContactNumber\":\"hs-company-7001\"}]}", null);

        assertThat(call("GET", "/Contacts/hs-company-7001", null, null).path("Contacts").get(0).path("ContactID").asText())
                .isEqualTo(contactId);
        assertThat(call("GET", "/Contacts?where=TaxNumber%3D%3D%224000000000%22&includeArchived=true", null, null)
                .path("Contacts")).hasSize(1);
        assertThat(call("GET", "/Contacts?searchTerm=example%20trading", null, null).path("Contacts")).hasSize(1);
        assertThat(status("GET", "/Contacts/hs-company-9999")).isEqualTo(404);
    }

    @Test
    void whereJoinedWithOrMatchesAnyExpression() throws Exception {
        xero.seedContact(TENANT, mapper.createObjectNode().put("Name", "Second Trading").put("ContactNumber", "72000001")
                .put("ContactStatus", "ARCHIVED"));
        xero.seedContact(TENANT, mapper.createObjectNode().put("Name", "Third Trading").put("CompanyNumber", "2019/123456/07"));
        xero.seedContact(TENANT, mapper.createObjectNode().put("Name", "Unrelated Trading").put("TaxNumber", "4111111111"));

        JsonNode withArchived = call("GET", "/Contacts?where=" + encode("ContactNumber==\"72000001\" OR "
                + "TaxNumber==\"4000000000\" OR CompanyNumber==\"2019/123456/07\"") + "&includeArchived=true&page=1", null, null);
        JsonNode activeOnly = call("GET", "/Contacts?where=" + encode("ContactNumber==\"72000001\"||TaxNumber==\"4000000000\""),
                null, null);

        assertThat(withArchived.path("Contacts").findValuesAsText("Name"))
                .containsExactly("Example Trading (Pty) Ltd", "Second Trading", "Third Trading");
        assertThat(activeOnly.path("Contacts").findValuesAsText("Name")).containsExactly("Example Trading (Pty) Ltd");
    }

    @Test
    void whereValueContainingOrStaysOneExpression() throws Exception {
        xero.seedContact(TENANT, mapper.createObjectNode().put("Name", "Bread OR Butter"));

        JsonNode contacts = call("GET", "/Contacts?where=" + encode("Name==\"Bread OR Butter\""), null, null);

        assertThat(contacts.path("Contacts").findValuesAsText("Name")).containsExactly("Bread OR Butter");
    }

    @Test
    void whereWithAndIsRejected() throws Exception {
        int status = status("GET", "/Contacts?where=" + encode("TaxNumber==\"4000000000\" AND Name==\"Example\""));

        assertThat(status).isEqualTo(400);
    }

    @Test
    void contactPagesHoldOneHundred() throws Exception {
        for (int i = 0; i < XeroSimulator.CONTACTS_PAGE_SIZE; i++) {
            xero.seedContact(TENANT, mapper.createObjectNode().put("Name", "Paged Trading " + i).put("TaxNumber", "4222222222"));
        }
        String where = "/Contacts?where=" + encode("TaxNumber==\"4222222222\" OR TaxNumber==\"4000000000\"");

        assertThat(call("GET", where + "&page=1", null, null).path("Contacts")).hasSize(XeroSimulator.CONTACTS_PAGE_SIZE);
        assertThat(call("GET", where + "&page=2", null, null).path("Contacts")).hasSize(1);
        assertThat(call("GET", where + "&page=3", null, null).path("Contacts")).isEmpty();
        assertThat(status("GET", where + "&page=0")).isEqualTo(400);
    }

    @Test
    void inclusiveTotalsRoundTaxPerLine() throws Exception {
        JsonNode invoice = createInvoice("Inclusive", "99.99", "key-inclusive");

        assertThat(invoice.path("TotalTax").decimalValue()).isEqualByComparingTo("39.12");
        assertThat(invoice.path("SubTotal").decimalValue()).isEqualByComparingTo("260.85");
        assertThat(invoice.path("Total").decimalValue()).isEqualByComparingTo("299.97");
        assertThat(invoice.path("AmountDue").decimalValue()).isEqualByComparingTo("299.97");
        assertThat(invoice.path("InvoiceNumber").asText()).isEqualTo("INV-0001");
    }

    @Test
    void exclusiveTotalsRoundTaxPerLine() throws Exception {
        JsonNode invoice = createInvoice("Exclusive", "10.03", "key-exclusive");

        assertThat(invoice.path("TotalTax").decimalValue()).isEqualByComparingTo("4.50");
        assertThat(invoice.path("SubTotal").decimalValue()).isEqualByComparingTo("30.09");
        assertThat(invoice.path("Total").decimalValue()).isEqualByComparingTo("34.59");
    }

    @Test
    void sameIdempotencyKeyReplaysWithoutSecondInvoice() throws Exception {
        JsonNode first = createInvoice("Exclusive", "10.03", "hs-9999999-deal-48000000001-inv-v1");
        JsonNode second = createInvoice("Exclusive", "10.03", "hs-9999999-deal-48000000001-inv-v1");

        assertThat(second.path("InvoiceID").asText()).isEqualTo(first.path("InvoiceID").asText());
        assertThat(xero.invoices(TENANT)).hasSize(1);
        assertThat(xero.putInvoiceCallCount()).isEqualTo(2);
    }

    @Test
    void createFailingAfterCommitKeepsInvoice() throws Exception {
        xero.failNextInvoiceCreatesAfterCommit(1);

        int firstStatus = status("PUT", "/Invoices?summarizeErrors=false", invoiceBody("Exclusive", "10.03"), "key-timeout");
        JsonNode retried = createInvoice("Exclusive", "10.03", "key-timeout");

        assertThat(firstStatus).isEqualTo(504);
        assertThat(xero.invoices(TENANT)).hasSize(1);
        assertThat(retried.path("InvoiceID").asText()).isEqualTo(xero.invoices(TENANT).get(0).path("InvoiceID").asText());
        JsonNode byReference = call("GET", "/Invoices?searchTerm=HS-48000000001", null, null);
        assertThat(byReference.path("Invoices")).hasSize(1);
    }

    @Test
    void paymentsReachPaidAndRejectOverpayment() throws Exception {
        String invoiceId = createAuthorisedInvoice();

        xero.recordPayment(TENANT, invoiceId, new BigDecimal("20.00"));
        JsonNode partly = call("GET", "/Invoices/" + invoiceId, null, null).path("Invoices").get(0);
        JsonNode overpayment = call("PUT", "/Payments?summarizeErrors=false", paymentBody(invoiceId, "20.00"), null);
        call("PUT", "/Payments", paymentBody(invoiceId, "14.59"), null);
        JsonNode paid = call("GET", "/Invoices/" + invoiceId, null, null).path("Invoices").get(0);

        assertThat(partly.path("Status").asText()).isEqualTo("AUTHORISED");
        assertThat(partly.path("AmountDue").decimalValue()).isEqualByComparingTo("14.59");
        assertThat(overpayment.path("Payments").get(0).path("ValidationErrors").get(0).path("Message").asText())
                .isEqualTo("Payment amount exceeds the amount outstanding on this document");
        assertThat(paid.path("Status").asText()).isEqualTo("PAID");
        assertThat(paid.path("AmountPaid").decimalValue()).isEqualByComparingTo("34.59");
        assertThat(paid.path("AmountDue").decimalValue()).isEqualByComparingTo("0");
        assertThat(paid.path("FullyPaidOnDate").asText()).startsWith("/Date(");
    }

    @Test
    void creditNoteAndPaymentSettleInvoice() throws Exception {
        String invoiceId = createAuthorisedInvoice();

        xero.recordPayment(TENANT, invoiceId, new BigDecimal("20.00"));
        xero.allocateCreditNote(TENANT, invoiceId, new BigDecimal("4.59"));
        JsonNode partly = call("GET", "/Invoices/" + invoiceId, null, null).path("Invoices").get(0);
        xero.recordPayment(TENANT, invoiceId, new BigDecimal("10.00"));
        JsonNode paid = call("GET", "/Invoices/" + invoiceId, null, null).path("Invoices").get(0);

        assertThat(partly.path("Status").asText()).isEqualTo("AUTHORISED");
        assertThat(partly.path("AmountCredited").decimalValue()).isEqualByComparingTo("4.59");
        assertThat(partly.path("AmountDue").decimalValue()).isEqualByComparingTo("10.00");
        assertThat(partly.path("CreditNotes").get(0).path("Total").decimalValue()).isEqualByComparingTo("4.59");
        assertThat(paid.path("Status").asText()).isEqualTo("PAID");
        assertThatThrownBy(() -> xero.allocateCreditNote(TENANT, invoiceId, BigDecimal.ONE))
                .isInstanceOf(XeroValidationException.class);
    }

    @Test
    void paymentOnDraftIsRejected() throws Exception {
        String invoiceId = createInvoice("Exclusive", "10.03", "key-draft").path("InvoiceID").asText();

        assertThatThrownBy(() -> xero.recordPayment(TENANT, invoiceId, BigDecimal.ONE))
                .isInstanceOf(XeroValidationException.class)
                .hasMessageContaining("Authorised documents");
    }

    @Test
    void signatureMatchesXeroVector() {
        String body = "{\"events\":[],\"firstEventSequence\": 0,\"lastEventSequence\": 0, \"entropy\": \"QWERTYUIOPASDFGHJKLZ\"}";

        assertThat(WebhookDispatcher.sign(WEBHOOK_KEY, body.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=");
    }

    @Test
    void paymentSendsSignedInvoiceWebhook() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        List<String> signatures = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/xero/webhook", exchange -> {
            bodies.add(exchange.getRequestBody().readAllBytes());
            signatures.add(exchange.getRequestHeaders().getFirst("x-xero-signature"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            URI target = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/xero/webhook");
            String invoiceId = createAuthorisedInvoice();
            xero.webhookUrl(target);

            xero.recordPayment(TENANT, invoiceId, new BigDecimal("34.59"));
            int status = xero.sendInvoiceWebhook(target, TENANT, invoiceId);

            assertThat(status).isEqualTo(200);
            assertThat(bodies).hasSize(2);
            assertThat(signatures.get(0)).isEqualTo(WebhookDispatcher.sign(WEBHOOK_KEY, bodies.get(0)));
            JsonNode event = mapper.readTree(bodies.get(0)).path("events").get(0);
            assertThat(event.path("resourceId").asText()).isEqualTo(invoiceId);
            assertThat(event.path("eventCategory").asText()).isEqualTo("INVOICE");
            assertThat(event.path("eventType").asText()).isEqualTo("UPDATE");
            assertThat(event.path("tenantId").asText()).isEqualTo(TENANT);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void webhookToNonLoopbackIsRejected() {
        assertThatThrownBy(() -> xero.sendInvoiceWebhook(URI.create("http://192.0.2.10/hook"), TENANT, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a loopback address");
    }

    private String createAuthorisedInvoice() throws Exception {
        String body = invoiceBody("Exclusive", "10.03").replace("\"DRAFT\"", "\"AUTHORISED\"");
        JsonNode response = call("PUT", "/Invoices?summarizeErrors=false", body, "key-authorised");
        return response.path("Invoices").get(0).path("InvoiceID").asText();
    }

    private JsonNode createInvoice(String lineAmountTypes, String unitAmount, String key) throws Exception {
        JsonNode response = call("PUT", "/Invoices?summarizeErrors=false", invoiceBody(lineAmountTypes, unitAmount), key);
        JsonNode invoice = response.path("Invoices").get(0);
        assertThat(invoice.path("HasValidationErrors").asBoolean(false)).as(invoice.toString()).isFalse();
        return invoice;
    }

    private String invoiceBody(String lineAmountTypes, String unitAmount) {
        String line = "{\"Description\":\"Support hours\",\"Quantity\":1,\"UnitAmount\":" + unitAmount
                + ",\"AccountCode\":\"200\",\"TaxType\":\"OUTPUT3\"}";
        return "{\"Invoices\":[{\"Type\":\"ACCREC\",\"Contact\":{\"ContactID\":\"" + contactId + "\"},"
                + "\"Date\":\"2026-03-01\",\"DueDate\":\"2026-03-31\",\"LineAmountTypes\":\"" + lineAmountTypes + "\","
                + "\"Status\":\"DRAFT\",\"Reference\":\"HS-48000000001\",\"CurrencyCode\":\"ZAR\","
                + "\"LineItems\":[" + line + "," + line + "," + line + "]}]}";
    }

    private static String paymentBody(String invoiceId, String amount) {
        return "{\"Payments\":[{\"Invoice\":{\"InvoiceID\":\"" + invoiceId + "\"},\"Account\":{\"Code\":\"090\"},"
                + "\"Date\":\"2026-03-05\",\"Amount\":" + amount + "}]}";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body, String idempotencyKey) throws Exception {
        HttpResponse<String> response = send(TENANT, method, path, body, idempotencyKey);
        assertThat(response.statusCode()).as(method + " " + path).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    private JsonNode callAs(String tenant, String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(tenant, method, path, body, null);
        assertThat(response.statusCode()).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    private int status(String method, String path) throws Exception {
        return send(TENANT, method, path, null, null).statusCode();
    }

    private int status(String method, String path, String body, String idempotencyKey) throws Exception {
        return send(TENANT, method, path, body, idempotencyKey).statusCode();
    }

    private HttpResponse<String> send(String tenant, String method, String path, String body, String idempotencyKey)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(xero.baseUrl() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("xero-tenant-id", tenant)
                .header("Accept", "application/json")
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
