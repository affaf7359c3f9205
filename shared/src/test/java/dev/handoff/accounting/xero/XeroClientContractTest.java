package dev.handoff.accounting.xero;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.accounting.InvoiceLine;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.domain.Address;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.DataException;
import dev.handoff.error.NotFoundException;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import dev.handoff.error.FailureClass;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class XeroClientContractTest {

    private static final String TENANT = "0c6f0a3e-0000-4000-8000-0000000000aa";
    private static final String TOKEN = "test-only-access-token";
    private static final String CONTACT_ID = "5d1c2b3a-0000-4000-8000-0000000000c1";
    private static final String INVOICE_ID = "8e2b1c44-0000-4000-8000-000000000001";
    private static final String IDEMPOTENCY_KEY = "hs-9999999-deal-48000000001-inv-v1";
    private static final String UPDATE_URL = "/api.xro/2.0/Contacts/" + CONTACT_ID + "?summarizeErrors=false";
    private static final Address NEW_ADDRESS = new Address("12 Example Road", null, "Durban", "KwaZulu-Natal", "4001",
            "South Africa");

    private WireMockServer xero;
    private XeroClient client;

    @BeforeEach
    void start() {
        xero = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        xero.start();
        // A generous timeout, so a loaded CI machine does not turn a stubbed response into a timeout.
        client = clientWithTimeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        xero.stop();
    }

    private XeroClient clientWithTimeout(Duration requestTimeout) {
        return XeroClient.builder(TENANT, () -> TOKEN)
                .baseUrl(URI.create("http://127.0.0.1:" + xero.port() + "/api.xro/2.0"))
                .requestTimeout(requestTimeout)
                .build();
    }

    @Test
    void everyCallSendsBearerTenantAndAccept() {
        stubJson(get(urlEqualTo("/api.xro/2.0/TaxRates")), "taxrates-za.json");
        stubJson(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)), "invoice-partly-paid.json");
        stubJson(get(urlPathEqualTo("/api.xro/2.0/Contacts")), "contacts-by-tax-number.json");

        client.taxTypeFor(TaxCategory.STANDARD);
        client.getInvoice(INVOICE_ID);
        client.findContactsByTaxNumber("4000000000");

        List<LoggedRequest> requests = xero.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(3);
        for (LoggedRequest request : requests) {
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
            assertThat(request.getHeader("xero-tenant-id")).isEqualTo(TENANT);
            assertThat(request.getHeader("Accept")).isEqualTo("application/json");
        }
    }

    @Test
    void createInvoiceSendsDocumentedRequest() {
        stubJson(get(urlEqualTo("/api.xro/2.0/TaxRates")), "taxrates-za.json");
        stubJson(put(urlEqualTo("/api.xro/2.0/Invoices?summarizeErrors=false")), "invoice-created.json");

        AccountingInvoice invoice = client.createInvoice(invoiceRequest(), IDEMPOTENCY_KEY);

        xero.verify(putRequestedFor(urlEqualTo("/api.xro/2.0/Invoices?summarizeErrors=false"))
                .withHeader("Idempotency-Key", equalTo(IDEMPOTENCY_KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"Invoices":[{"Type":"ACCREC","Contact":{"ContactID":"5d1c2b3a-0000-4000-8000-0000000000c1"},
                         "Date":"2026-03-01","DueDate":"2026-03-31","LineAmountTypes":"Exclusive","Status":"DRAFT",
                         "Reference":"HS-48000000001","Url":"https://app.hubspot.com/contacts/9999999/record/0-3/48000000001",
                         "CurrencyCode":"ZAR",
                         "LineItems":[{"Description":"Annual licence","Quantity":1,"UnitAmount":10000.00,"AccountCode":"200","TaxType":"OUTPUT3"},
                                      {"Description":"Spare parts exported","Quantity":1,"UnitAmount":500.00,"DiscountRate":10,"AccountCode":"200","TaxType":"ZERORATEDOUTPUT"}]}]}
                        """)));
        assertThat(invoice.invoiceId()).isEqualTo(INVOICE_ID);
        assertThat(invoice.invoiceNumber()).isEqualTo("INV-0001");
        assertThat(invoice.total()).isEqualByComparingTo("12000.00");
        assertThat(invoice.updatedAt()).isEqualTo(Instant.parse("2026-03-01T11:35:10Z"));
    }

    @Test
    void createInvoiceWritesPlainDecimalsAndOmitsZeroDiscount() {
        stubJson(get(urlEqualTo("/api.xro/2.0/TaxRates")), "taxrates-za.json");
        stubJson(put(urlEqualTo("/api.xro/2.0/Invoices?summarizeErrors=false")), "invoice-created.json");

        client.createInvoice(invoiceRequest(), IDEMPOTENCY_KEY);

        String body = xero.findAll(putRequestedFor(anyUrl())).get(0).getBodyAsString();
        assertThat(body).contains("\"UnitAmount\":10000.00");
        assertThat(body).doesNotContain("E+", "E-");
        assertThat(body).containsOnlyOnce("DiscountRate");
        assertThat(body).doesNotContain("\"TaxType\":\"OUTPUT\"");
    }

    @Test
    void createInvoiceRejectsBlankKeyBeforeAnyCall() {
        for (String key : new String[] {null, "", "   "}) {
            assertThatThrownBy(() -> client.createInvoice(invoiceRequest(), key))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Idempotency key is missing");
        }
        assertThatThrownBy(() -> client.createInvoice(invoiceRequest(), "k".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 128");

        assertThat(xero.getAllServeEvents()).isEmpty();
    }

    @Test
    void missingStandardRateIsConfigurationError() {
        stubJson(get(urlEqualTo("/api.xro/2.0/TaxRates")), "taxrates-old-standard-only.json");

        assertThatThrownBy(() -> client.createInvoice(invoiceRequest(), IDEMPOTENCY_KEY))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("STANDARD")
                .hasMessageContaining("OUTPUT3 (not in the organisation's tax rates)")
                .hasMessageContaining("OUTPUT is never used");

        xero.verify(0, putRequestedFor(anyUrl()));
    }

    @Test
    void taxTypesResolveFromZaListOnce() {
        stubJson(get(urlEqualTo("/api.xro/2.0/TaxRates")), "taxrates-za.json");

        assertThat(client.taxTypeFor(TaxCategory.STANDARD)).isEqualTo("OUTPUT3");
        assertThat(client.taxTypeFor(TaxCategory.ZERO_RATED)).isEqualTo("ZERORATED");
        assertThat(client.taxTypeFor(TaxCategory.ZERO_RATED_EXPORT)).isEqualTo("ZERORATEDOUTPUT");
        assertThat(client.taxTypeFor(TaxCategory.EXEMPT)).isEqualTo("EXEMPTOUTPUT");

        xero.verify(1, getRequestedFor(urlEqualTo("/api.xro/2.0/TaxRates")));
    }

    @Test
    void createContactValidationErrorIsDataError() {
        stubJson(put(urlEqualTo("/api.xro/2.0/Contacts?summarizeErrors=false")), "contact-validation-error.json");

        assertThatThrownBy(() -> client.createContact(contactRequest("Test test (test > test)")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("<validation message>");

        xero.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void zeroContactIdWithoutFlagsIsDataError() {
        xero.stubFor(put(urlEqualTo("/api.xro/2.0/Contacts?summarizeErrors=false")).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"00000000-0000-0000-0000-000000000000\",\"Name\":\"Example\"}]}")));

        assertThatThrownBy(() -> client.createContact(contactRequest("Example")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("did not save the record");
    }

    @Test
    void createContactMessageHidesContactName() {
        xero.stubFor(put(urlEqualTo("/api.xro/2.0/Contacts?summarizeErrors=false")).willReturn(okJson("""
                {"Contacts":[{"ContactID":"00000000-0000-0000-0000-000000000000","HasValidationErrors":true,
                 "ValidationErrors":[{"Message":"The contact name Example Trading (Pty) Ltd is already assigned to another contact. The contact name must be unique across all active contacts."}]}]}
                """)));

        assertThatThrownBy(() -> client.createContact(contactRequest("Example Trading (Pty) Ltd")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("The contact name [contact name] is already assigned to another contact")
                .hasMessageNotContaining("Example Trading");
    }

    @Test
    void createContactSendsMappedFieldsAndKey() {
        stubJson(put(urlEqualTo("/api.xro/2.0/Contacts?summarizeErrors=false")), "contact-created.json");

        AccountingContact contact = client.createContact(contactRequest("Example Trading (Pty) Ltd"));

        xero.verify(putRequestedFor(urlEqualTo("/api.xro/2.0/Contacts?summarizeErrors=false"))
                .withRequestBody(equalToJson("""
                        {"Contacts":[{"ContactNumber":"hs-company-7001","Name":"Example Trading (Pty) Ltd",
                          "TaxNumber":"4000000000","CompanyNumber":"2019/123456/07","EmailAddress":"accounts@example-trading.test",
                          "Addresses":[{"AddressType":"POBOX","AddressLine1":"1 Example Street","City":"Cape Town",
                            "PostalCode":"8001","Country":"South Africa"}]}]}
                        """)));
        String key = xero.findAll(putRequestedFor(anyUrl())).get(0).getHeader("Idempotency-Key");
        assertThat(key).matches("contact-create-hs-company-7001-[0-9a-f]{16}");
        assertThat(contact.contactId()).isEqualTo(CONTACT_ID);
        assertThat(contact.status()).isEqualTo("ACTIVE");
    }

    @Test
    void setContactNumberPostsOnlyThatField() {
        stubJson(post(urlPathEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)), "contact-created.json");

        client.setContactNumber(CONTACT_ID, "hs-company-7001");

        xero.verify(postRequestedFor(urlEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID + "?summarizeErrors=false"))
                .withHeader("Idempotency-Key", equalTo("contact-number-" + CONTACT_ID + "-hs-company-7001"))
                .withRequestBody(equalToJson(
                        "{\"Contacts\":[{\"ContactID\":\"" + CONTACT_ID + "\",\"ContactNumber\":\"hs-company-7001\"}]}")));
    }

    @Test
    void updatePostsOnlyChangedFields() {
        xero.stubFor(post(urlPathEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + CONTACT_ID + "\",\"ContactStatus\":\"ACTIVE\","
                        + "\"EmailAddress\":\"billing@example-trading.test\",\"HasValidationErrors\":false}]}")));

        AccountingContact updated = client.updateContact(CONTACT_ID,
                new ContactRequest(null, null, null, null, "billing@example-trading.test", NEW_ADDRESS));

        xero.verify(postRequestedFor(urlEqualTo(UPDATE_URL))
                .withHeader("xero-tenant-id", equalTo(TENANT))
                .withRequestBody(equalToJson("""
                        {"Contacts":[{"ContactID":"5d1c2b3a-0000-4000-8000-0000000000c1",
                          "EmailAddress":"billing@example-trading.test",
                          "Addresses":[{"AddressType":"POBOX","AddressLine1":"12 Example Road","City":"Durban",
                            "Region":"KwaZulu-Natal","PostalCode":"4001","Country":"South Africa"}]}]}
                        """)));
        assertThat(updated.contactId()).isEqualTo(CONTACT_ID);
    }

    @Test
    void updateSendsStableIdempotencyKey() {
        xero.stubFor(post(urlPathEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + CONTACT_ID + "\"}]}")));
        ContactRequest changes = new ContactRequest(null, null, "4000000000", null, null, null);

        client.updateContact(CONTACT_ID, changes);
        client.updateContact(CONTACT_ID, changes);
        client.updateContact(CONTACT_ID, new ContactRequest(null, null, "4111111111", null, null, null));

        var requests = xero.findAll(postRequestedFor(anyUrl()));
        String first = requests.get(0).getHeader("Idempotency-Key");
        assertThat(first).matches("contact-update-" + CONTACT_ID + "-[0-9a-f]{16}");
        assertThat(requests.get(1).getHeader("Idempotency-Key")).isEqualTo(first);
        assertThat(requests.get(2).getHeader("Idempotency-Key")).isNotEqualTo(first);
    }

    @Test
    void updateValidationErrorIsDataError() {
        xero.stubFor(post(urlPathEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)).willReturn(okJson("""
                {"Contacts":[{"ContactID":"5d1c2b3a-0000-4000-8000-0000000000c1","HasValidationErrors":true,
                  "ValidationErrors":[{"Message":"The contact name Example Holdings (Pty) Ltd is already assigned to another contact. The contact name must be unique across all active contacts."}]}]}
                """)));

        assertThatThrownBy(() -> client.updateContact(CONTACT_ID,
                new ContactRequest(null, "Example Holdings (Pty) Ltd", null, null, null, null)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Xero rejected update contact")
                .hasMessageContaining("[contact name] is already assigned to another contact")
                .hasMessageNotContaining("Example Holdings");
        xero.verify(1, postRequestedFor(anyUrl()));
    }

    @Test
    void updateValidationExceptionIsDataError() {
        xero.stubFor(post(urlPathEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)).willReturn(aResponse()
                .withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                        {"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred",
                          "Elements":[{"ContactID":"5d1c2b3a-0000-4000-8000-0000000000c1",
                            "ValidationErrors":[{"Message":"Email address must be valid."}]}]}
                        """)));

        assertThatThrownBy(() -> client.updateContact(CONTACT_ID,
                new ContactRequest(null, null, null, null, "not-an-address", null)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Email address must be valid.");
    }

    @Test
    void updateRejectsContactIdThatIsNoGuid() {
        assertThatThrownBy(() -> client.updateContact("hs-company-7001",
                new ContactRequest(null, "Example Trading (Pty) Ltd", null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class);
        xero.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void contactReadKeepsPostalAddressOnly() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)).willReturn(okJson("""
                {"Contacts":[{"ContactID":"5d1c2b3a-0000-4000-8000-0000000000c1","ContactStatus":"ACTIVE",
                  "Addresses":[{"AddressType":"STREET","AddressLine1":"Unit 4, Example Park","City":"Johannesburg"},
                    {"AddressType":"POBOX","AddressLine1":"1 Example Street","City":"Cape Town","PostalCode":"8001",
                     "Country":"South Africa"}]}]}
                """)));

        AccountingContact contact = client.findContact(CONTACT_ID).orElseThrow();

        assertThat(contact.billingAddress()).isEqualTo(
                new Address("1 Example Street", null, "Cape Town", null, "8001", "South Africa"));
    }

    @Test
    void contactWithoutPostalAddressHasNone() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + CONTACT_ID + "\",\"Addresses\":[{\"AddressType\":\"STREET\"}]}]}")));

        assertThat(client.findContact(CONTACT_ID).orElseThrow().billingAddress()).isNull();
    }

    @Test
    void validationExceptionIsDataErrorWithoutRetry() {
        stubJson(get(urlEqualTo("/api.xro/2.0/TaxRates")), "taxrates-za.json");
        xero.stubFor(put(urlEqualTo("/api.xro/2.0/Invoices?summarizeErrors=false")).willReturn(aResponse()
                .withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(fixture("invoice-validation-exception.json"))));

        assertThatThrownBy(() -> client.createInvoice(invoiceRequest(), IDEMPOTENCY_KEY))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Account code '999' is not a valid code");

        xero.verify(1, putRequestedFor(anyUrl()));
    }

    @Test
    void minuteLimitThrottlesForRetryAfter() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).willReturn(aResponse()
                .withStatus(429)
                .withHeader("Retry-After", "37")
                .withHeader("X-Rate-Limit-Problem", "minute")
                .withHeader("X-MinLimit-Remaining", "0")
                .withHeader("X-DayLimit-Remaining", "4210")));

        assertThatThrownBy(() -> client.getInvoice(INVOICE_ID))
                .isInstanceOfSatisfying(ThrottledException.class, e -> {
                    assertThat(e.delay()).isEqualTo(Duration.ofSeconds(37));
                    assertThat(e.failureClass()).isEqualTo(FailureClass.RETRYABLE);
                    assertThat(e.getMessage()).contains("minute limit");
                    assertThat(e.getMessage()).contains("4210");
                });
    }

    @Test
    void dayLimitThrottlesAndNamesLimit() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).willReturn(aResponse()
                .withStatus(429)
                .withHeader("Retry-After", "5400")
                .withHeader("X-Rate-Limit-Problem", "day")
                .withHeader("X-DayLimit-Remaining", "0")));

        assertThatThrownBy(() -> client.getInvoice(INVOICE_ID))
                .isInstanceOfSatisfying(ThrottledException.class, e -> {
                    assertThat(e.delay()).isEqualTo(Duration.ofSeconds(5400));
                    assertThat(e.getMessage()).contains("day limit");
                });
    }

    @Test
    void rateLimitWithoutRetryAfterWaitsMinute() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).willReturn(aResponse().withStatus(429)));

        assertThatThrownBy(() -> client.getInvoice(INVOICE_ID))
                .isInstanceOfSatisfying(ThrottledException.class,
                        e -> assertThat(e.delay()).isEqualTo(Duration.ofSeconds(60)));
    }

    @Test
    void rejectedTokenIsReplacedAndRetriedOnce() {
        List<String> rejected = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<String> token = new java.util.concurrent.atomic.AtomicReference<>("revoked-token");
        XeroClient healing = XeroClient.builder(TENANT, token::get)
                .baseUrl(URI.create("http://127.0.0.1:" + xero.port() + "/api.xro/2.0"))
                .onTokenRejected(value -> {
                    rejected.add(value);
                    token.set("fresh-token");
                })
                .build();
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).withHeader("Authorization", equalTo("Bearer revoked-token"))
                .willReturn(aResponse().withStatus(401)));
        stubJson(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)).withHeader("Authorization", equalTo("Bearer fresh-token")),
                "invoice-partly-paid.json");

        assertThat(healing.getInvoice(INVOICE_ID).invoiceId()).isEqualTo(INVOICE_ID);

        assertThat(rejected).containsExactly("revoked-token");
        xero.verify(2, anyRequestedFor(anyUrl()));
    }

    @Test
    void secondUnauthorisedIsConfigurationError() {
        XeroClient healing = XeroClient.builder(TENANT, () -> TOKEN)
                .baseUrl(URI.create("http://127.0.0.1:" + xero.port() + "/api.xro/2.0"))
                .onTokenRejected(value -> { })
                .build();
        xero.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(() -> healing.getInvoice(INVOICE_ID)).isInstanceOf(ConfigurationException.class);

        xero.verify(2, anyRequestedFor(anyUrl()));
    }

    @Test
    void unauthorisedIsConfigurationError() {
        xero.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(() -> client.getInvoice(INVOICE_ID))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("HTTP 401");
    }

    @Test
    void serverErrorIsRetryable() {
        xero.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(500).withBody("{\"secret\":\"body\"}")));

        assertThatThrownBy(() -> client.getInvoice(INVOICE_ID))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageNotContaining("secret");
    }

    @Test
    void slowResponseIsRetryableTimeout() {
        xero.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
        XeroClient impatient = clientWithTimeout(Duration.ofSeconds(1));

        assertThatThrownBy(() -> impatient.getInvoice(INVOICE_ID))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("timed out");
    }

    @Test
    void missingInvoiceIsNotFound() {
        xero.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(404)));

        assertThatThrownBy(() -> client.getInvoice(INVOICE_ID)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void nonDigitTaxNumberMakesNoCall() {
        assertThat(client.findContactsByTaxNumber("4000000000\" OR Name!=\"")).isEmpty();
        assertThat(client.findContactsByTaxNumber("400000000")).isEmpty();
        assertThat(client.findContactsByTaxNumber(null)).isEmpty();

        assertThat(xero.getAllServeEvents()).isEmpty();
    }

    @Test
    void taxNumberLookupUsesEncodedWhereFilter() {
        stubJson(get(urlPathEqualTo("/api.xro/2.0/Contacts")), "contacts-by-tax-number.json");

        List<AccountingContact> contacts = client.findContactsByTaxNumber("4000000000");

        xero.verify(getRequestedFor(urlEqualTo(
                "/api.xro/2.0/Contacts?where=TaxNumber%3D%3D%224000000000%22&includeArchived=true")));
        assertThat(contacts).extracting(AccountingContact::contactId)
                .containsExactly("5d1c2b3a-0000-4000-8000-0000000000c9");
    }

    @Test
    void nameSearchEncodesAndMatchesNormalisedName() {
        stubJson(get(urlPathEqualTo("/api.xro/2.0/Contacts")), "contacts-by-name.json");

        List<AccountingContact> contacts = client.findContactsByName("Example & Sons \"Quoted\"");

        xero.verify(getRequestedFor(urlEqualTo(
                "/api.xro/2.0/Contacts?searchTerm=Example%20%26%20Sons%20%22Quoted%22&includeArchived=true"))
                .withQueryParam("searchTerm", equalTo("Example & Sons \"Quoted\"")));
        assertThat(contacts).extracting(AccountingContact::contactId)
                .containsExactly("5d1c2b3a-0000-4000-8000-0000000000d1");
        assertThat(contacts.get(0).isArchived()).isTrue();
    }

    @Test
    void companyNumberLookupUsesEncodedWhereFilter() {
        xero.stubFor(get(urlPathEqualTo("/api.xro/2.0/Contacts")).willReturn(okJson("{\"Contacts\":["
                + "{\"ContactID\":\"5d1c2b3a-0000-4000-8000-0000000000c9\",\"Name\":\"Example Trading (Pty) Ltd\","
                + "\"CompanyNumber\":\"2019/123456/07\",\"ContactStatus\":\"ACTIVE\"},"
                + "{\"ContactID\":\"5d1c2b3a-0000-4000-8000-0000000000ca\",\"Name\":\"Other\",\"CompanyNumber\":\"2019/123456/08\"}]}")));

        List<AccountingContact> contacts = client.findContactsByCompanyNumber("2019/123456/07");

        xero.verify(getRequestedFor(urlEqualTo("/api.xro/2.0/Contacts?where=CompanyNumber%3D%3D%222019%2F123456%2F07%22"
                + "&includeArchived=true")));
        assertThat(contacts).extracting(AccountingContact::contactId).containsExactly("5d1c2b3a-0000-4000-8000-0000000000c9");
    }

    @Test
    void freeTextCompanyNumberMakesNoCall() {
        assertThat(client.findContactsByCompanyNumber("2019/123456/07\" OR Name!=\"")).isEmpty();

        xero.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void emailLookupSearchesAndMatchesExactly() {
        xero.stubFor(get(urlPathEqualTo("/api.xro/2.0/Contacts")).willReturn(okJson("{\"Contacts\":["
                + "{\"ContactID\":\"5d1c2b3a-0000-4000-8000-0000000000c9\",\"EmailAddress\":\"Accounts@Example-Trading.test\"},"
                + "{\"ContactID\":\"5d1c2b3a-0000-4000-8000-0000000000ca\",\"EmailAddress\":\"old-accounts@example-trading.test\"}]}")));

        List<AccountingContact> contacts = client.findContactsByEmail("accounts@example-trading.test");

        xero.verify(getRequestedFor(urlEqualTo(
                "/api.xro/2.0/Contacts?searchTerm=accounts%40example-trading.test&includeArchived=true")));
        assertThat(contacts).extracting(AccountingContact::contactId).containsExactly("5d1c2b3a-0000-4000-8000-0000000000c9");
    }

    @Test
    void mergedContactCarriesSurvivorId() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)).willReturn(okJson("{\"Contacts\":["
                + "{\"ContactID\":\"" + CONTACT_ID + "\",\"ContactStatus\":\"ARCHIVED\","
                + "\"MergedToContactID\":\"5d1c2b3a-0000-4000-8000-0000000000c9\"}]}")));

        AccountingContact contact = client.findContact(CONTACT_ID).orElseThrow();

        assertThat(contact.mergedToContactId()).isEqualTo("5d1c2b3a-0000-4000-8000-0000000000c9");
        assertThat(contact.isArchived()).isTrue();
    }

    @Test
    void unmergedContactHasNoSurvivor() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)).willReturn(okJson("{\"Contacts\":["
                + "{\"ContactID\":\"" + CONTACT_ID + "\",\"ContactStatus\":\"ACTIVE\","
                + "\"MergedToContactID\":\"00000000-0000-0000-0000-000000000000\"}]}")));

        assertThat(client.findContact(CONTACT_ID).orElseThrow().mergedToContactId()).isNull();
    }

    @Test
    void contactNumberLookupUsesPath() {
        stubJson(get(urlEqualTo("/api.xro/2.0/Contacts/hs-company-7001")), "contact-created.json");

        Optional<AccountingContact> contact = client.findContactByNumber("hs-company-7001");

        assertThat(contact).map(AccountingContact::contactId).contains(CONTACT_ID);
    }

    @Test
    void unknownContactNumberIsEmpty() {
        xero.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(404)));

        assertThat(client.findContactByNumber("hs-company-7002")).isEmpty();
    }

    @Test
    void nonJsonSuccessIsRetryableNotEmpty() {
        // A proxy's HTML page with 200 must not read as "no such contact", which would lead to a duplicate.
        xero.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Service notice</body></html>")));

        assertThatThrownBy(() -> client.findContactByNumber("hs-company-7001"))
                .isInstanceOf(dev.handoff.error.RetryableException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> client.findContactsByName("Example Trading (Pty) Ltd"))
                .isInstanceOf(dev.handoff.error.RetryableException.class);
    }

    @Test
    void contactNumberWithFreeTextIsRejected() {
        assertThatThrownBy(() -> client.findContactByNumber("a\" OR 1==1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid contact number");

        assertThat(xero.getAllServeEvents()).isEmpty();
    }

    @Test
    void identifierLookupSendsOneOrFilter() {
        xero.stubFor(get(urlPathEqualTo("/api.xro/2.0/Contacts")).willReturn(okJson("{\"Contacts\":["
                + "{\"ContactID\":\"5d1c2b3a-0000-4000-8000-0000000000c9\",\"ContactNumber\":\"72000001\",\"ContactStatus\":\"ARCHIVED\","
                + "\"MergedToContactID\":\"5d1c2b3a-0000-4000-8000-0000000000d9\"},"
                + "{\"ContactID\":\"5d1c2b3a-0000-4000-8000-0000000000ca\",\"TaxNumber\":\"4000000000\",\"ContactStatus\":\"ACTIVE\"},"
                + "{\"ContactID\":\"5d1c2b3a-0000-4000-8000-0000000000cb\",\"CompanyNumber\":\"2019/123456/07\"},"
                + "{\"ContactID\":\"5d1c2b3a-0000-4000-8000-0000000000cc\",\"ContactNumber\":\"720000011\",\"TaxNumber\":\"4000000001\"}]}")));

        List<AccountingContact> contacts = client.findContactsByIdentifiers("72000001", "4000000000", "2019/123456/07");

        xero.verify(1, anyRequestedFor(anyUrl()));
        xero.verify(getRequestedFor(urlEqualTo("/api.xro/2.0/Contacts?where="
                + "ContactNumber%3D%3D%2272000001%22%20OR%20TaxNumber%3D%3D%224000000000%22%20OR%20"
                + "CompanyNumber%3D%3D%222019%2F123456%2F07%22&includeArchived=true&page=1"))
                .withQueryParam("where", equalTo(
                        "ContactNumber==\"72000001\" OR TaxNumber==\"4000000000\" OR CompanyNumber==\"2019/123456/07\"")));
        assertThat(contacts).extracting(AccountingContact::contactId).containsExactly(
                "5d1c2b3a-0000-4000-8000-0000000000c9", "5d1c2b3a-0000-4000-8000-0000000000ca",
                "5d1c2b3a-0000-4000-8000-0000000000cb");
        assertThat(contacts.get(0).mergedToContactId()).isEqualTo("5d1c2b3a-0000-4000-8000-0000000000d9");
    }

    @Test
    void identifierLookupLeavesFreeTextOutOfFilter() {
        xero.stubFor(get(urlPathEqualTo("/api.xro/2.0/Contacts")).willReturn(okJson("{\"Contacts\":[]}")));

        client.findContactsByIdentifiers("72000001", "4000000000\" OR Name!=\"", "2019/123456/07\" OR Name!=\"");
        client.findContactsByIdentifiers("72000001", null, null);

        xero.verify(2, getRequestedFor(urlEqualTo(
                "/api.xro/2.0/Contacts?where=ContactNumber%3D%3D%2272000001%22&includeArchived=true&page=1")));
        xero.verify(2, anyRequestedFor(anyUrl()));
    }

    @Test
    void identifierLookupReadsOtherContactNumberByPath() {
        stubJson(get(urlEqualTo("/api.xro/2.0/Contacts/hs-company-7001")), "contact-created.json");
        xero.stubFor(get(urlPathEqualTo("/api.xro/2.0/Contacts")).willReturn(okJson("{\"Contacts\":["
                + "{\"ContactID\":\"5d1c2b3a-0000-4000-8000-0000000000ca\",\"TaxNumber\":\"4000000000\"}]}")));

        List<AccountingContact> contacts = client.findContactsByIdentifiers("hs-company-7001", "4000000000", null);

        xero.verify(getRequestedFor(urlEqualTo(
                "/api.xro/2.0/Contacts?where=TaxNumber%3D%3D%224000000000%22&includeArchived=true&page=1")));
        xero.verify(2, anyRequestedFor(anyUrl()));
        assertThat(contacts).extracting(AccountingContact::contactId)
                .containsExactly(CONTACT_ID, "5d1c2b3a-0000-4000-8000-0000000000ca");
    }

    @Test
    void identifierLookupRejectsFreeTextContactNumber() {
        assertThatThrownBy(() -> client.findContactsByIdentifiers("1\" OR Name!=\"", "4000000000", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid contact number");

        assertThat(xero.getAllServeEvents()).isEmpty();
    }

    @Test
    void identifierLookupReadsNextPageWhenFull() {
        xero.stubFor(get(urlPathEqualTo("/api.xro/2.0/Contacts")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson(fullPageOfVatMatches())));
        xero.stubFor(get(urlPathEqualTo("/api.xro/2.0/Contacts")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson("{\"Contacts\":[{\"ContactID\":\"" + CONTACT_ID + "\",\"ContactNumber\":\"72000001\"}]}")));

        List<AccountingContact> contacts = client.findContactsByIdentifiers("72000001", "4000000000", null);

        assertThat(contacts).hasSize(XeroClient.CONTACTS_PAGE_SIZE + 1);
        assertThat(contacts).extracting(AccountingContact::contactId).contains(CONTACT_ID);
        xero.verify(2, anyRequestedFor(anyUrl()));
    }

    @Test
    void identifierLookupStopsAtPageLimit() {
        xero.stubFor(get(urlPathEqualTo("/api.xro/2.0/Contacts")).willReturn(okJson(fullPageOfVatMatches())));

        assertThatThrownBy(() -> client.findContactsByIdentifiers("72000001", "4000000000", null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("1000 or more contacts");
        xero.verify(XeroClient.MAX_IDENTIFIER_PAGES, anyRequestedFor(anyUrl()));
    }

    @Test
    void referenceSearchKeepsExactMatchesOfAnyStatus() {
        stubJson(get(urlPathEqualTo("/api.xro/2.0/Invoices")), "invoices-by-reference.json");

        List<AccountingInvoice> invoices = client.findInvoicesByReference("HS-48000000001");

        xero.verify(getRequestedFor(urlEqualTo("/api.xro/2.0/Invoices?searchTerm=HS-48000000001")));
        assertThat(invoices).extracting(AccountingInvoice::invoiceNumber).containsExactly("INV-0001", "INV-0002");
        assertThat(invoices).extracting(AccountingInvoice::status).containsExactly("VOIDED", "AUTHORISED");
    }

    @Test
    void getInvoiceMapsPartPaymentAmounts() {
        stubJson(get(urlEqualTo("/api.xro/2.0/Invoices/" + INVOICE_ID)), "invoice-partly-paid.json");

        AccountingInvoice invoice = client.getInvoice(INVOICE_ID);

        assertThat(invoice.status()).isEqualTo("AUTHORISED");
        assertThat(invoice.total()).isEqualTo(new BigDecimal("11500.00"));
        assertThat(invoice.amountPaid()).isEqualTo(new BigDecimal("5000.00"));
        assertThat(invoice.amountCredited()).isEqualTo(new BigDecimal("1500.00"));
        assertThat(invoice.amountDue()).isEqualTo(new BigDecimal("5000.00"));
        assertThat(invoice.subTotal()).isEqualTo(new BigDecimal("10000.00"));
        assertThat(invoice.totalTax()).isEqualTo(new BigDecimal("1500.00"));
        assertThat(invoice.currencyCode()).isEqualTo("ZAR");
        assertThat(invoice.updatedAt()).isEqualTo(Instant.parse("2026-02-27T21:55:10.123Z"));
        assertThat(dev.handoff.domain.PaymentStatus.of(invoice)).isEqualTo(dev.handoff.domain.PaymentStatus.PARTIALLY_PAID);
    }

    @Test
    void creditStandingReadsReceivableBalances() {
        stubJson(get(urlEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)), "contact-with-balances.json");

        dev.handoff.accounting.CreditStanding standing = client.creditStanding(CONTACT_ID);

        assertThat(standing.outstanding()).isEqualByComparingTo("8050.00");
        assertThat(standing.overdue()).isEqualByComparingTo("2300.00");
        assertThat(standing.creditLimit()).isEmpty();
    }

    @Test
    void creditStandingWithoutBalancesIsClear() {
        xero.stubFor(get(urlEqualTo("/api.xro/2.0/Contacts/" + CONTACT_ID)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + CONTACT_ID + "\",\"ContactStatus\":\"ACTIVE\",\"Name\":\"Example\"}]}")));

        dev.handoff.accounting.CreditStanding standing = client.creditStanding(CONTACT_ID);

        assertThat(standing.outstanding()).isZero();
        assertThat(standing.overdue()).isZero();
    }

    /** Returns one full page of contacts that share VAT number 4000000000. */
    private static String fullPageOfVatMatches() {
        StringBuilder page = new StringBuilder("{\"Contacts\":[");
        for (int i = 0; i < XeroClient.CONTACTS_PAGE_SIZE; i++) {
            page.append(i == 0 ? "" : ",").append("{\"ContactID\":\"5d1c2b3a-0000-4000-8000-")
                    .append(String.format("%012d", i)).append("\",\"TaxNumber\":\"4000000000\"}");
        }
        return page.append("]}").toString();
    }

    private void stubJson(com.github.tomakehurst.wiremock.client.MappingBuilder request, String fixture) {
        xero.stubFor(request.willReturn(okJson(fixture(fixture))));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
    }

    private static String fixture(String name) {
        return new String(XeroWebhookParserTest.resource(name), StandardCharsets.UTF_8);
    }

    private static InvoiceRequest invoiceRequest() {
        return new InvoiceRequest(
                CONTACT_ID,
                LocalDate.of(2026, 3, 1),
                LocalDate.of(2026, 3, 31),
                "HS-48000000001",
                "https://app.hubspot.com/contacts/9999999/record/0-3/48000000001",
                "ZAR",
                PriceBasis.EXCLUSIVE,
                "DRAFT",
                List.of(
                        new InvoiceLine("Annual licence", new BigDecimal("1"), new BigDecimal("10000.00"),
                                BigDecimal.ZERO, "200", TaxCategory.STANDARD),
                        new InvoiceLine("Spare parts exported", new BigDecimal("1"), new BigDecimal("500.00"),
                                new BigDecimal("10"), "200", TaxCategory.ZERO_RATED_EXPORT)));
    }

    private static ContactRequest contactRequest(String name) {
        return new ContactRequest("hs-company-7001", name, "4000000000", "2019/123456/07",
                "accounts@example-trading.test",
                new Address("1 Example Street", null, "Cape Town", null, "8001", "South Africa"));
    }
}
