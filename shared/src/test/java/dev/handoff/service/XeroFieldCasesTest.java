package dev.handoff.service;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.handoff.accounting.xero.XeroClient;
import dev.handoff.config.OnboardingRule;
import dev.handoff.config.WonStages;
import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmContact;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.ThrottledException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.HandoffChange.Attribute;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.message.DealWonMessage;
import dev.handoff.message.InvoiceRequestMessage;
import dev.handoff.message.PaymentEventMessage;
import dev.handoff.message.QueuePublisher;
import dev.handoff.testing.EngineTestData;
import dev.handoff.testing.FakeCrm;
import dev.handoff.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Failures reported by people running CRM-to-Xero integrations, replayed with their exact values, and the
 * contact-matching steps around them. The services run on the real ledger
 * (dynalite) and queues (ElasticMQ) and talk to a WireMock Xero through the real {@link XeroClient}. Each test
 * works in its own HubSpot portal and Xero tenant, so the shared table's links and indexes do not collide.
 */
@ExtendWith(LocalEnginesExtension.class)
class XeroFieldCasesTest {

    private static final AtomicInteger PORTALS = new AtomicInteger(81_000_000);
    private static final String API = "/api.xro/2.0";
    private static final String DEAL_ID = "48000000001";
    private static final String COMPANY_ID = "hs-company-7001";
    private static final String EXISTING_CONTACT = "5d1c2b3a-0000-4000-8000-0000000000c9";
    private static final String INVOICE_ID = "8e2b1c44-0000-4000-8000-000000000001";
    /**
     * The trading company's VAT and registration numbers as one where filter. {@link #COMPANY_ID} is not a
     * number, so the contact number is read by path instead (see {@link #stubNoContactNumberMatch}).
     */
    private static final String IDENTIFIER_WHERE = "TaxNumber==\"4000000000\" OR CompanyNumber==\"2019/123456/07\"";
    /** The {@code Addresses} member of a contact whose billing address equals {@link Fixtures#ADDRESS}. */
    private static final String IN_SYNC_ADDRESSES = "\"Addresses\":[{\"AddressType\":\"POBOX\","
            + "\"AddressLine1\":\"12 Example Street\",\"AddressLine2\":\"Unit 4\",\"City\":\"Johannesburg\","
            + "\"Region\":\"Gauteng\",\"PostalCode\":\"2001\",\"Country\":\"South Africa\"}],";

    private final String portal = Integer.toString(PORTALS.incrementAndGet());
    private final String tenant = "0c6f0a3e-0000-4000-8000-0000" + portal;
    private final HandoffKey key = HandoffKey.hubspot(portal, DEAL_ID);
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T06:00:00Z"), ZoneOffset.UTC);
    private final FakeCrm crm = new FakeCrm();
    private final SqsClient sqs;
    private final ProvisionedResources resources;
    private final Ledger ledger;
    private WireMockServer xero;
    private XeroClient client;

    XeroFieldCasesTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.sqs = sqs;
        this.resources = resources;
        this.ledger = new Ledger(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeAll
    static void awaitTable(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        EngineTestData.awaitTable(dynamoDb, resources.tableName("LedgerTable"));
    }

    @BeforeEach
    void start() {
        xero = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        xero.start();
        client = XeroClient.builder(tenant, () -> "test-only-access-token")
                .baseUrl(URI.create("http://127.0.0.1:" + xero.port() + API))
                .requestTimeout(Duration.ofSeconds(5))
                .build();
        xero.stubFor(get(urlEqualTo(API + "/TaxRates")).willReturn(okJson(resource("taxrates-za.json"))));
    }

    @AfterEach
    void stop() {
        xero.stop();
    }

    // Creating the contact would fail because its name is taken, so the VAT number finds the existing one.
    @Test
    void vatMatchLinksExistingContactWithoutCreate() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        stubNoContactNumberMatch();
        xero.stubFor(get(urlPathEqualTo(API + "/Contacts")).withQueryParam("where", equalTo(IDENTIFIER_WHERE))
                .willReturn(okJson(existingContactJson("ACTIVE", "4000000000"))));
        xero.stubFor(post(urlPathEqualTo(API + "/Contacts/" + EXISTING_CONTACT)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"ContactNumber\":\"" + COMPANY_ID + "\"}]}")));
        stubClearBalances(EXISTING_CONTACT);

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.CUSTOMER_READY);
        assertThat(handoff().customerId()).isEqualTo(EXISTING_CONTACT);
        assertThat(ledger.findCustomerLink("hubspot", portal, COMPANY_ID, tenant)).contains(EXISTING_CONTACT);
        xero.verify(postRequestedFor(urlEqualTo(API + "/Contacts/" + EXISTING_CONTACT + "?summarizeErrors=false"))
                .withRequestBody(matchingJsonPath("$.Contacts[0].ContactNumber", equalTo(COMPANY_ID))));
        xero.verify(0, putRequestedFor(urlPathEqualTo(API + "/Contacts")));
    }

    // The same name with another VAT number is a possible duplicate for finance to merge, never a suffixed new name.
    @Test
    void nameMatchWithOtherVatNeedsMergeReview() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        stubNoContactNumberMatch();
        stubContactSearch("where", okJson("{\"Contacts\":[]}"));
        xero.stubFor(get(urlPathEqualTo(API + "/Contacts")).withQueryParam("searchTerm", equalTo("Example Trading (Pty) Ltd"))
                .withQueryParam("includeArchived", equalTo("true"))
                .willReturn(okJson(existingContactJson("ACTIVE", "4111111111"))));

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.IN_REVIEW);
        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff().blockedReason()).contains("CUSTOMER_MERGE").contains("possible duplicate customer");
        assertThat(ledger.findCustomerLink("hubspot", portal, COMPANY_ID, tenant)).isEmpty();
        xero.verify(0, putRequestedFor(urlPathEqualTo(API + "/Contacts")));
    }

    // The only match is archived, so finance decides between restoring it and a new customer.
    @Test
    void archivedOnlyMatchNeedsMergeReview() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        stubNoContactNumberMatch();
        xero.stubFor(get(urlPathEqualTo(API + "/Contacts")).withQueryParam("where", equalTo(IDENTIFIER_WHERE))
                .withQueryParam("includeArchived", equalTo("true"))
                .willReturn(okJson(existingContactJson("ARCHIVED", "4000000000"))));

        customerUpsert().process(dealWon());

        assertThat(handoff().state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(handoff().blockedReason()).contains("CUSTOMER_MERGE").contains("archived");
        xero.verify(0, putRequestedFor(urlPathEqualTo(API + "/Contacts")));
    }

    // When finance merged the linked contact into another, the ledger link moves to the surviving contact.
    @Test
    void mergedLinkedContactIsRepointed() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        String survivor = "5d1c2b3a-0000-4000-8000-0000000000d9";
        ledger.putCustomerLink("hubspot", portal, COMPANY_ID, tenant, EXISTING_CONTACT, clock.instant());
        xero.stubFor(get(urlEqualTo(API + "/Contacts/" + EXISTING_CONTACT)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"ContactStatus\":\"ARCHIVED\","
                        + "\"MergedToContactID\":\"" + survivor + "\"}]}")));
        stubClearBalances(survivor);
        // The survivor lacks the CRM's mapped fields, so they are written to it, not to the merged contact.
        xero.stubFor(post(urlPathEqualTo(API + "/Contacts/" + survivor)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + survivor + "\"}]}")));

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.CUSTOMER_READY);
        assertThat(handoff().customerId()).isEqualTo(survivor);
        assertThat(ledger.findCustomerLink("hubspot", portal, COMPANY_ID, tenant)).contains(survivor);
        assertThat(ledger.timeline(key)).anyMatch(event -> event.outcome().equals("re-linked"));
        xero.verify(1, postRequestedFor(urlEqualTo(API + "/Contacts/" + survivor + "?summarizeErrors=false")));
        xero.verify(0, postRequestedFor(urlPathEqualTo(API + "/Contacts/" + EXISTING_CONTACT)));
        // The survivor's one read gives its fields and the receivables for the credit rules.
        xero.verify(1, getRequestedFor(urlEqualTo(API + "/Contacts/" + survivor)));
    }

    // One GET /Contacts/{id} gives the merge check, the mapped fields and the receivables.
    @Test
    void repeatCustomerReadsContactOnce() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        ledger.putCustomerLink("hubspot", portal, COMPANY_ID, tenant, EXISTING_CONTACT, clock.instant());
        stubLinkedContact("accounts@example-trading.test", IN_SYNC_ADDRESSES);

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.CUSTOMER_READY);
        xero.verify(1, getRequestedFor(urlEqualTo(API + "/Contacts/" + EXISTING_CONTACT)));
        assertThat(xero.getAllServeEvents()).hasSize(1);
    }

    // The credit rule still uses the receivables when they come from the contact's one read.
    @Test
    void overdueRepeatCustomerHeldAfterOneRead() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        ledger.putCustomerLink("hubspot", portal, COMPANY_ID, tenant, EXISTING_CONTACT, clock.instant());
        xero.stubFor(get(urlEqualTo(API + "/Contacts/" + EXISTING_CONTACT)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"ContactNumber\":\"" + COMPANY_ID + "\","
                        + "\"Name\":\"Example Trading (Pty) Ltd\",\"EmailAddress\":\"accounts@example-trading.test\","
                        + "\"TaxNumber\":\"4000000000\",\"CompanyNumber\":\"2019/123456/07\",\"ContactStatus\":\"ACTIVE\","
                        + IN_SYNC_ADDRESSES
                        + "\"Balances\":{\"AccountsReceivable\":{\"Outstanding\":3000.00,\"Overdue\":1200.00}}}]}")));

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.IN_REVIEW);
        assertThat(handoff().resumeState()).isEqualTo(HandoffState.CUSTOMER_READY);
        assertThat(handoff().blockedReason()).contains("CREDIT_DECISION").contains("1200.00 overdue");
        assertThat(xero.getAllServeEvents()).hasSize(1);
    }

    // A linked contact gets the CRM's changed fields, and the fields Xero owns are left out of the update.
    @Test
    void linkedContactGetsOnlyChangedFields() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        ledger.putCustomerLink("hubspot", portal, COMPANY_ID, tenant, EXISTING_CONTACT, clock.instant());
        stubLinkedContact("info@example-trading.test", "\"Addresses\":[{\"AddressType\":\"POBOX\",\"AddressLine1\":\"1 Old Road\","
                + "\"City\":\"Johannesburg\",\"PostalCode\":\"2001\",\"Country\":\"South Africa\"}],");
        xero.stubFor(post(urlPathEqualTo(API + "/Contacts/" + EXISTING_CONTACT)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"HasValidationErrors\":false}]}")));

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.CUSTOMER_READY);
        xero.verify(postRequestedFor(urlEqualTo(API + "/Contacts/" + EXISTING_CONTACT + "?summarizeErrors=false"))
                .withHeader("Idempotency-Key", matching("contact-update-" + EXISTING_CONTACT + "-[0-9a-f]{16}"))
                .withRequestBody(equalToJson("{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\","
                        + "\"EmailAddress\":\"accounts@example-trading.test\","
                        + "\"Addresses\":[{\"AddressType\":\"POBOX\",\"AddressLine1\":\"12 Example Street\","
                        + "\"AddressLine2\":\"Unit 4\",\"City\":\"Johannesburg\",\"Region\":\"Gauteng\","
                        + "\"PostalCode\":\"2001\",\"Country\":\"South Africa\"}]}]}")));
        assertThat(ledger.timeline(key)).anyMatch(event -> event.outcome().equals("updated")
                && event.detail().equals("contact " + EXISTING_CONTACT + " fields emailAddress,billingAddress"));
        assertThat(ledger.timeline(key)).noneMatch(event -> event.detail() != null
                && event.detail().contains("example-trading.test"));
    }

    @Test
    void linkedContactInSyncIsNotWritten() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        ledger.putCustomerLink("hubspot", portal, COMPANY_ID, tenant, EXISTING_CONTACT, clock.instant());
        stubLinkedContact("accounts@example-trading.test", "\"Addresses\":[{\"AddressType\":\"POBOX\","
                + "\"AddressLine1\":\"12 Example Street\",\"AddressLine2\":\"Unit 4\",\"City\":\"Johannesburg\","
                + "\"Region\":\"Gauteng\",\"PostalCode\":\"2001\",\"Country\":\"South Africa\"}],");

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.CUSTOMER_READY);
        xero.verify(0, postRequestedFor(urlPathMatching(API + "/Contacts.*")));
        xero.verify(0, putRequestedFor(urlPathMatching(API + "/Contacts.*")));
    }

    // Xero's message may echo customer data, so it reaches the CRM deal but not the ledger.
    @Test
    void rejectedContactUpdateBlocks() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        ledger.putCustomerLink("hubspot", portal, COMPANY_ID, tenant, EXISTING_CONTACT, clock.instant());
        stubLinkedContact("info@example-trading.test", "");
        xero.stubFor(post(urlPathEqualTo(API + "/Contacts/" + EXISTING_CONTACT)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"HasValidationErrors\":true,"
                        + "\"ValidationErrors\":[{\"Message\":\"<validation message>\"}]}]}")));

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.BLOCKED);
        assertThat(handoff().state()).isEqualTo(HandoffState.BLOCKED);
        assertThat(crm.dealProperties(DEAL_ID).get(CrmProperties.BLOCKED_REASON)).contains("<validation message>");
        assertThat(handoff().blockedReason()).doesNotContain("<validation message>");
        assertThat(ledger.timeline(key)).noneMatch(event -> event.step().equals("invoice"));
        xero.verify(1, postRequestedFor(urlPathEqualTo(API + "/Contacts/" + EXISTING_CONTACT)));
    }

    // No contact number or VAT match, but the registration number finds the customer.
    @Test
    void registrationNumberMatchLinks() {
        crm.put(deal(tradingCompany(), standardLine("10000.00")));
        stubNoContactNumberMatch();
        xero.stubFor(get(urlPathEqualTo(API + "/Contacts")).withQueryParam("where", equalTo(IDENTIFIER_WHERE))
                .withQueryParam("includeArchived", equalTo("true"))
                .willReturn(okJson("{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"Name\":\"Example Trading\","
                        + "\"CompanyNumber\":\"2019/123456/07\",\"ContactStatus\":\"ACTIVE\"}]}")));
        xero.stubFor(post(urlPathEqualTo(API + "/Contacts/" + EXISTING_CONTACT)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"ContactNumber\":\"" + COMPANY_ID + "\"}]}")));
        stubClearBalances(EXISTING_CONTACT);

        assertThat(customerUpsert().process(dealWon())).isEqualTo(CustomerUpsertService.Outcome.CUSTOMER_READY);

        assertThat(handoff().customerId()).isEqualTo(EXISTING_CONTACT);
        xero.verify(0, putRequestedFor(urlPathEqualTo(API + "/Contacts")));
    }

    // Only the billing e-mail matches, through searchTerm rather than a where filter built from user text.
    @Test
    void emailMatchLinksWithoutWhereFilter() {
        crm.put(deal(new CrmCompany(COMPANY_ID, "Example Trading", "Example Trading (Pty) Ltd", null, null,
                "accounts@example-trading.test", Fixtures.ADDRESS), standardLine("10000.00")));
        stubNoContactNumberMatch();
        xero.stubFor(get(urlPathEqualTo(API + "/Contacts")).withQueryParam("searchTerm", equalTo("Example Trading (Pty) Ltd"))
                .willReturn(okJson("{\"Contacts\":[]}")));
        xero.stubFor(get(urlPathEqualTo(API + "/Contacts")).withQueryParam("searchTerm", equalTo("accounts@example-trading.test"))
                .willReturn(okJson("{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"Name\":\"Example Trading CC\","
                        + "\"EmailAddress\":\"accounts@example-trading.test\",\"ContactStatus\":\"ACTIVE\"}]}")));
        xero.stubFor(post(urlPathEqualTo(API + "/Contacts/" + EXISTING_CONTACT)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"ContactNumber\":\"" + COMPANY_ID + "\"}]}")));
        stubClearBalances(EXISTING_CONTACT);

        assertThat(customerUpsert().process(dealWon())).isEqualTo(CustomerUpsertService.Outcome.CUSTOMER_READY);

        assertThat(handoff().customerId()).isEqualTo(EXISTING_CONTACT);
        assertThat(xero.findAll(getRequestedFor(anyUrl())))
                .noneMatch(request -> request.getUrl().contains("where=") && request.getUrl().contains("example-trading"));
    }

    // A HubSpot company id is a number, so it joins the VAT and registration numbers in one where filter, and
    // the contact created just now needs no balances read.
    @Test
    void newCustomerMakesFourContactCalls() {
        String hubSpotCompanyId = "72000001";
        crm.put(deal(new CrmCompany(hubSpotCompanyId, "Example Trading", "Example Trading (Pty) Ltd", "4000000000",
                "2019/123456/07", "accounts@example-trading.test", Fixtures.ADDRESS), standardLine("10000.00")));
        stubContactSearch("where", okJson("{\"Contacts\":[]}"));
        stubContactSearch("searchTerm", okJson("{\"Contacts\":[]}"));
        xero.stubFor(put(urlEqualTo(API + "/Contacts?summarizeErrors=false")).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"ContactNumber\":\"" + hubSpotCompanyId + "\","
                        + "\"Name\":\"Example Trading (Pty) Ltd\",\"ContactStatus\":\"ACTIVE\",\"HasValidationErrors\":false}]}")));

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.CUSTOMER_READY);
        assertThat(handoff().customerId()).isEqualTo(EXISTING_CONTACT);
        xero.verify(getRequestedFor(urlPathEqualTo(API + "/Contacts")).withQueryParam("where", equalTo(
                "ContactNumber==\"72000001\" OR TaxNumber==\"4000000000\" OR CompanyNumber==\"2019/123456/07\""))
                .withQueryParam("includeArchived", equalTo("true")).withQueryParam("page", equalTo("1")));
        xero.verify(2, getRequestedFor(urlPathEqualTo(API + "/Contacts")).withQueryParam("searchTerm", matching(".+")));
        xero.verify(0, getRequestedFor(urlPathMatching(API + "/Contacts/.+")));
        assertThat(xero.getAllServeEvents()).hasSize(4);
    }

    // HTTP 200 with a rejected element is a data error, so there is no link, no invoice and no automatic retry.
    @Test
    void rejectedElementInOkResponseBlocks() {
        crm.put(deal(new CrmCompany(COMPANY_ID, "Test", "Test test (test > test)", null, null,
                "accounts@example-trading.test", Fixtures.ADDRESS), standardLine("10000.00")));
        stubNoContactNumberMatch();
        stubContactSearch("searchTerm", okJson("{\"Contacts\":[]}"));
        xero.stubFor(put(urlEqualTo(API + "/Contacts?summarizeErrors=false")).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"00000000-0000-0000-0000-000000000000\",\"Name\":\"Test test (test > test)\","
                        + "\"HasValidationErrors\":true,\n  \"ValidationErrors\":[{\"Message\":\"<validation message>\"}]}]}")));

        CustomerUpsertService.Outcome outcome = customerUpsert().process(dealWon());

        assertThat(outcome).isEqualTo(CustomerUpsertService.Outcome.BLOCKED);
        assertThat(handoff().state()).isEqualTo(HandoffState.BLOCKED);
        assertThat(handoff().customerId()).isNull();
        assertThat(ledger.findCustomerLink("hubspot", portal, COMPANY_ID, tenant)).isEmpty();
        assertThat(crm.dealProperties(DEAL_ID).get(CrmProperties.BLOCKED_REASON)).contains("<validation message>");
        assertThat(handoff().blockedReason()).doesNotContain("<validation message>");
        assertThat(ledger.timeline(key)).noneMatch(event -> event.step().equals("invoice"));
        xero.verify(1, putRequestedFor(urlPathEqualTo(API + "/Contacts")));
    }

    // A 429 delays the message by Retry-After without failing it, and the handoff stays in flight with its key.
    @Test
    void rateLimitedCreateThrottlesAndKeepsKey() {
        crm.put(deal(Fixtures.company(COMPANY_ID), standardLine("10000.00")));
        customerReady();
        xero.stubFor(get(urlPathEqualTo(API + "/Invoices")).willReturn(okJson("{\"Invoices\":[]}")));
        xero.stubFor(put(urlEqualTo(API + "/Invoices?summarizeErrors=false")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "37")
                .withHeader("X-Rate-Limit-Problem", "minute")
                .withHeader("X-MinLimit-Remaining", "0")
                .withHeader("X-DayLimit-Remaining", "4210")));

        assertThatThrownBy(() -> invoiceCreation(PriceBasis.EXCLUSIVE).process(new InvoiceRequestMessage(key.value())))
                .isInstanceOfSatisfying(ThrottledException.class, e -> {
                    assertThat(e.delay()).isGreaterThanOrEqualTo(Duration.ofSeconds(37));
                    assertThat(e.getMessage()).contains("minute limit").contains("4210");
                });

        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICE_IN_FLIGHT);
        assertThat(handoff().invoiceIdempotencyKey()).isEqualTo("hs-" + portal + "-deal-" + DEAL_ID + "-inv-v1");
    }

    // For VAT-inclusive 3 x R99.99, Xero's per-line VAT of 39.12 agrees, so the invoice is kept.
    @Test
    void inclusiveTotalsThatAgreeAreInvoiced() {
        crm.put(deal(Fixtures.company(COMPANY_ID), line("1", "99.99"), line("2", "99.99"), line("3", "99.99")));
        customerReady();
        stubInvoiceCreated("Inclusive", "260.85", "39.12", "299.97");

        InvoiceCreationService.Outcome outcome = invoiceCreation(PriceBasis.INCLUSIVE).process(new InvoiceRequestMessage(key.value()));

        assertThat(outcome).isEqualTo(InvoiceCreationService.Outcome.INVOICED);
        assertThat(handoff().state()).isEqualTo(HandoffState.INVOICED);
        xero.verify(putRequestedFor(urlPathEqualTo(API + "/Invoices"))
                .withRequestBody(matchingJsonPath("$.Invoices[0].LineAmountTypes", equalTo("Inclusive"))));
    }

    // Document-level VAT gives 39.13 against the CRM's per-line 39.12, so a tax review lists both figures.
    @Test
    void inclusiveTaxDifferenceNeedsTaxReview() {
        crm.put(deal(Fixtures.company(COMPANY_ID), line("1", "99.99"), line("2", "99.99"), line("3", "99.99")));
        customerReady();
        stubInvoiceCreated("Inclusive", "260.84", "39.13", "299.97");

        InvoiceCreationService.Outcome outcome = invoiceCreation(PriceBasis.INCLUSIVE).process(new InvoiceRequestMessage(key.value()));

        assertThat(outcome).isEqualTo(InvoiceCreationService.Outcome.IN_REVIEW);
        Handoff held = handoff();
        assertThat(held.state()).isEqualTo(HandoffState.IN_REVIEW);
        assertThat(held.resumeState()).isEqualTo(HandoffState.INVOICED);
        assertThat(held.invoiceId()).isEqualTo(INVOICE_ID);
        assertThat(held.blockedReason()).contains("TAX_EXCEPTION").contains("VAT 39.13 against the CRM's 39.12")
                .contains("total 299.97 against the CRM's 299.97");
    }

    // For VAT-exclusive 3 x R10.03, Xero's total of 34.60 (VAT 4.51) against the CRM's 34.59 (VAT 4.50) needs a tax review.
    @Test
    void exclusiveTotalDifferenceNeedsTaxReview() {
        crm.put(deal(Fixtures.company(COMPANY_ID), line("1", "10.03"), line("2", "10.03"), line("3", "10.03")));
        customerReady();
        stubInvoiceCreated("Exclusive", "30.09", "4.51", "34.60");

        InvoiceCreationService.Outcome outcome = invoiceCreation(PriceBasis.EXCLUSIVE).process(new InvoiceRequestMessage(key.value()));

        assertThat(outcome).isEqualTo(InvoiceCreationService.Outcome.IN_REVIEW);
        assertThat(handoff().blockedReason()).contains("total 34.60 against the CRM's 34.59")
                .contains("VAT 4.51 against the CRM's 4.50");
        assertThat(crm.dealProperties(DEAL_ID).get(CrmProperties.HANDOFF_STATUS)).isEqualTo("IN_REVIEW");
        xero.verify(putRequestedFor(urlPathEqualTo(API + "/Invoices"))
                .withRequestBody(matchingJsonPath("$.Invoices[0].LineAmountTypes", equalTo("Exclusive"))));
    }

    // The same lines with Xero agreeing on 34.59 are invoiced.
    @Test
    void exclusiveTotalsThatAgreeAreInvoiced() {
        crm.put(deal(Fixtures.company(COMPANY_ID), line("1", "10.03"), line("2", "10.03"), line("3", "10.03")));
        customerReady();
        stubInvoiceCreated("Exclusive", "30.09", "4.50", "34.59");

        assertThat(invoiceCreation(PriceBasis.EXCLUSIVE).process(new InvoiceRequestMessage(key.value())))
                .isEqualTo(InvoiceCreationService.Outcome.INVOICED);
    }

    // Xero rejects approval once the plan's approved invoices are used up, and the reason names the fix.
    @Test
    void approvalPlanLimitBlocksWithFix() {
        crm.put(deal(Fixtures.company(COMPANY_ID), standardLine("10000.00")));
        customerReady();
        xero.stubFor(get(urlPathEqualTo(API + "/Invoices")).willReturn(okJson("{\"Invoices\":[]}")));
        xero.stubFor(put(urlEqualTo(API + "/Invoices?summarizeErrors=false")).willReturn(okJson(
                "{\"Invoices\":[{\"InvoiceID\":\"00000000-0000-0000-0000-000000000000\",\"HasValidationErrors\":true,"
                        + "\"ValidationErrors\":[{\"Message\":\"You have reached the limit of invoices you can approve\"}]}]}")));

        InvoiceCreationService.Outcome outcome = invoiceCreation(PriceBasis.EXCLUSIVE).process(new InvoiceRequestMessage(key.value()));

        assertThat(outcome).isEqualTo(InvoiceCreationService.Outcome.BLOCKED);
        assertThat(handoff().blockedReason()).contains("plan allows no more approved invoices").contains("DRAFT");
    }

    // Part paid and part credited is PARTIALLY_PAID, so the fully-paid rule waits and a 40% rule triggers.
    @Test
    void partPaymentWithCreditNoteIsPartiallyPaid() {
        invoiceStandardDeal();
        xero.stubFor(get(urlEqualTo(API + "/Invoices/" + INVOICE_ID)).willReturn(okJson(resource("invoice-partly-paid.json"))));

        PaymentStatusSyncService.Outcome outcome = paymentSync(OnboardingRule.parse("PAID"))
                .process(new PaymentEventMessage(tenant, INVOICE_ID, "2026-03-02T10:00:00Z"));

        assertThat(outcome).isEqualTo(PaymentStatusSyncService.Outcome.SYNCED);
        assertThat(crm.dealProperties(DEAL_ID))
                .containsEntry(CrmProperties.INVOICE_STATUS, "PARTIALLY_PAID")
                .containsEntry(CrmProperties.AMOUNT_PAID, "5000.00")
                .containsEntry(CrmProperties.AMOUNT_CREDITED, "1500.00")
                .containsEntry(CrmProperties.AMOUNT_DUE, "5000.00");
        assertThat(handoff().state()).isEqualTo(HandoffState.PARTIALLY_PAID);
        xero.verify(0, putRequestedFor(anyUrl()));
        xero.verify(0, postRequestedFor(anyUrl()));

        assertThat(paymentSync(OnboardingRule.parse("PERCENT_PAID:40"))
                .process(new PaymentEventMessage(tenant, INVOICE_ID, "2026-03-02T10:01:00Z")))
                .isEqualTo(PaymentStatusSyncService.Outcome.ONBOARDING_SENT);
    }

    // A later PAID with nothing due sends the trigger once, however often the event repeats.
    @Test
    void laterFullPaymentTriggersOnce() {
        invoiceStandardDeal();
        xero.stubFor(get(urlEqualTo(API + "/Invoices/" + INVOICE_ID)).willReturn(okJson(
                resource("invoice-partly-paid.json")
                        .replace("\"Status\":\"AUTHORISED\"", "\"Status\":\"PAID\"")
                        .replace("\"AmountPaid\":5000.00", "\"AmountPaid\":10000.00")
                        .replace("\"AmountDue\":5000.00", "\"AmountDue\":0.00")
                        .replace("2026-02-27T21:55:10.123", "2026-03-03T09:00:00.000"))));

        PaymentStatusSyncService sync = paymentSync(OnboardingRule.parse("PAID"));
        PaymentStatusSyncService.Outcome first = sync.process(new PaymentEventMessage(tenant, INVOICE_ID, "2026-03-03T09:00:00Z"));
        PaymentStatusSyncService.Outcome repeat = sync.process(new PaymentEventMessage(tenant, INVOICE_ID, "2026-03-03T09:00:00Z"));

        assertThat(first).isEqualTo(PaymentStatusSyncService.Outcome.ONBOARDING_SENT);
        assertThat(repeat).isEqualTo(PaymentStatusSyncService.Outcome.SYNCED);
        assertThat(handoff().state()).isEqualTo(HandoffState.ONBOARDING_SENT);
        assertThat(crm.dealProperties(DEAL_ID)).containsEntry(CrmProperties.INVOICE_STATUS, "PAID")
                .containsEntry(CrmProperties.AMOUNT_DUE, "0.00");
    }

    private CustomerUpsertService customerUpsert() {
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        return new CustomerUpsertService(ledger, crm, client, new QueuePublisher(sqs), new HandoffBlocker(ledger, writer, clock),
                WonStages.parse("default:closedwon"), tenant, resources.queueUrl("InvoiceRequestQueue"), clock);
    }

    private InvoiceCreationService invoiceCreation(PriceBasis basis) {
        CrmStatusWriter writer = new CrmStatusWriter(crm, ledger, clock);
        InvoiceDrafter drafter = new InvoiceDrafter(ZoneId.of("Africa/Johannesburg"), 30, basis, "AUTHORISED", "200",
                TaxCategory.STANDARD);
        return new InvoiceCreationService(ledger, crm, client, drafter, writer, new HandoffBlocker(ledger, writer, clock),
                new BigDecimal("15.00"), new QueuePublisher(sqs), resources.queueUrl("PaymentEventQueue"), clock,
                WonStages.parse("default:closedwon"));
    }

    private PaymentStatusSyncService paymentSync(OnboardingRule rule) {
        return new PaymentStatusSyncService(ledger, client, new CrmStatusWriter(crm, ledger, clock), new QueuePublisher(sqs),
                rule, resources.queueUrl("OnboardingQueue"), clock);
    }

    private Handoff handoff() {
        return ledger.find(key).orElseThrow();
    }

    private DealWonMessage dealWon() {
        return new DealWonMessage(key.value(), portal + ":3000000001", clock.millis());
    }

    /** Opens the handoff and links the customer, as a finished customer upsert leaves it. */
    private Handoff customerReady() {
        Handoff opened = ledger.openHandoff(key, tenant, portal + ":3000000001", clock.instant());
        return ledger.transition(opened, HandoffState.CUSTOMER_READY, HandoffChange.none()
                .set(Attribute.CUSTOMER_ID, EXISTING_CONTACT).set(Attribute.TENANT_ID, tenant), clock.instant());
    }

    /** Invoices a deal of one R10 000 line plus 15% VAT through the invoice service. */
    private void invoiceStandardDeal() {
        crm.put(deal(Fixtures.company(COMPANY_ID), standardLine("10000.00")));
        customerReady();
        stubInvoiceCreated("Exclusive", "10000.00", "1500.00", "11500.00");
        assertThat(invoiceCreation(PriceBasis.EXCLUSIVE).process(new InvoiceRequestMessage(key.value())))
                .isEqualTo(InvoiceCreationService.Outcome.INVOICED);
        xero.resetRequests();
    }

    /** Stubs a contact with nothing outstanding or overdue, for the credit check once the customer is linked. */
    private void stubClearBalances(String contactId) {
        xero.stubFor(get(urlEqualTo(API + "/Contacts/" + contactId)).atPriority(1).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + contactId + "\",\"ContactStatus\":\"ACTIVE\","
                        + "\"Balances\":{\"AccountsReceivable\":{\"Outstanding\":0.00,\"Overdue\":0.00}}}]}")));
    }

    /**
     * Stubs the trading company's contact as linked, carrying fields Xero owns (payment terms, tax defaults, balances), with the given
     * e-mail address and an {@code Addresses} member (empty or ending in a comma).
     */
    private void stubLinkedContact(String email, String addresses) {
        xero.stubFor(get(urlEqualTo(API + "/Contacts/" + EXISTING_CONTACT)).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"ContactNumber\":\"" + COMPANY_ID + "\","
                        + "\"Name\":\"Example Trading (Pty) Ltd\",\"EmailAddress\":\"" + email + "\","
                        + "\"TaxNumber\":\"4000000000\",\"CompanyNumber\":\"2019/123456/07\",\"ContactStatus\":\"ACTIVE\","
                        + addresses
                        + "\"AccountsReceivableTaxType\":\"OUTPUT3\",\"PaymentTerms\":{\"Sales\":{\"Day\":7,\"Type\":\"DAYSAFTERBILLDATE\"}},"
                        + "\"Balances\":{\"AccountsReceivable\":{\"Outstanding\":0.00,\"Overdue\":0.00}}}]}")));
    }

    private void stubNoContactNumberMatch() {
        xero.stubFor(get(urlPathMatching(API + "/Contacts/.+")).willReturn(aResponse().withStatus(404)
                .withBody("{\"Title\":\"Not Found\",\"Status\":404}")));
    }

    private void stubContactSearch(String parameter, ResponseDefinitionBuilder response) {
        xero.stubFor(get(urlPathEqualTo(API + "/Contacts")).withQueryParam(parameter, matching(".*"))
                .willReturn(response));
    }

    private void stubInvoiceCreated(String lineAmountTypes, String subTotal, String totalTax, String total) {
        xero.stubFor(get(urlPathEqualTo(API + "/Invoices")).willReturn(okJson("{\"Invoices\":[]}")));
        xero.stubFor(put(urlEqualTo(API + "/Invoices?summarizeErrors=false")).willReturn(okJson(
                "{\"Invoices\":[{\"Type\":\"ACCREC\",\"InvoiceID\":\"" + INVOICE_ID + "\",\"InvoiceNumber\":\"INV-0001\","
                        + "\"Reference\":\"HS-" + DEAL_ID + "\",\"Status\":\"AUTHORISED\",\"LineAmountTypes\":\"" + lineAmountTypes + "\","
                        + "\"CurrencyCode\":\"ZAR\",\"SubTotal\":" + subTotal + ",\"TotalTax\":" + totalTax + ",\"Total\":" + total + ","
                        + "\"AmountDue\":" + total + ",\"AmountPaid\":0.00,\"AmountCredited\":0.00,"
                        + "\"UpdatedDateUTC\":\"2026-03-01T06:00:00.000\",\"HasValidationErrors\":false}]}")));
    }

    private static String existingContactJson(String status, String taxNumber) {
        return "{\"Contacts\":[{\"ContactID\":\"" + EXISTING_CONTACT + "\",\"Name\":\"Example Trading (Pty) Ltd\","
                + "\"EmailAddress\":\"info@example-trading.test\",\"ContactNumber\":null,\"TaxNumber\":\"" + taxNumber + "\","
                + "\"ContactStatus\":\"" + status + "\"}]}";
    }

    private static CrmCompany tradingCompany() {
        return new CrmCompany(COMPANY_ID, "Example Trading", "Example Trading (Pty) Ltd", "4000000000", "2019/123456/07",
                "accounts@example-trading.test", Fixtures.ADDRESS);
    }

    private static CrmDeal deal(CrmCompany company, CrmLineItem... lines) {
        return new CrmDeal(DEAL_ID, "Annual licence", "default", "closedwon", Instant.parse("2026-02-28T22:30:00Z"),
                null, "ZAR", List.of(company),
                List.of(new CrmContact("8001", "Thandi", "Example", "thandi@example-trading.test")),
                List.of(lines), "https://app.hubspot.com/contacts/9999999/record/0-3/" + DEAL_ID);
    }

    private static CrmLineItem standardLine(String unitPrice) {
        return new CrmLineItem("9001", "Annual licence", null, BigDecimal.ONE, new BigDecimal(unitPrice), null, null,
                TaxCategory.STANDARD);
    }

    private static CrmLineItem line(String id, String unitPrice) {
        return new CrmLineItem("900" + id, "Spare part " + id, null, BigDecimal.ONE, new BigDecimal(unitPrice), null, null,
                TaxCategory.STANDARD);
    }

    private static String resource(String name) {
        try (InputStream in = XeroFieldCasesTest.class.getResourceAsStream("/xero/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
