package dev.handoff.accounting.xero;

import com.fasterxml.jackson.databind.JsonNode;
import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.accounting.CallReservation;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.accounting.CreditStanding;
import dev.handoff.accounting.InvoiceLine;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.DataException;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import dev.handoff.http.HttpCalls;
import dev.handoff.http.HttpFailures;
import dev.handoff.ratelimit.ConcurrencyLease;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AccountingClient} for one Xero organisation over the Accounting API 2.0. Every call sends
 * {@code Authorization: Bearer}, {@code xero-tenant-id} and {@code Accept: application/json}. Creates use
 * {@code PUT} and updates {@code POST}, both with {@code summarizeErrors=false} and an {@code Idempotency-Key}, and every returned element is
 * checked for validation errors.
 *
 * <p>Failures: validation errors (per element, or a 400 ValidationException) become {@link DataException}
 * carrying Xero's messages, with the contact's name, e-mail address and tax number replaced by placeholders.
 * Those messages are meant for the finance staff who fix the record, so callers may store them but must not
 * log them. 429 becomes {@link ThrottledException} with Xero's {@code Retry-After}. Timeouts and connection
 * failures are retryable too, and other statuses are classified by {@link HttpFailures}.
 *
 * @see <a href="https://github.com/XeroAPI/Xero-OpenAPI">Xero's OpenAPI description of the Accounting API</a>
 */
public final class XeroClient implements AccountingClient {

    public static final URI DEFAULT_BASE_URL = URI.create("https://api.xero.com/api.xro/2.0");
    public static final String DEFAULT_STANDARD_TAX_TYPE = "OUTPUT3";
    /** South Africa's standard VAT rate in percent, in force since 1 April 2018. */
    public static final BigDecimal DEFAULT_STANDARD_RATE = new BigDecimal("15.00");
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;
    /** Delay after a 429 that carries no {@code Retry-After}: the length of Xero's minute window. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(XeroClient.class);
    private static final String API = "Xero";
    /** Values that may be put into a {@code where} filter or a path. Free text never is. */
    private static final Pattern CONTACT_NUMBER = Pattern.compile("^[A-Za-z0-9:_-]{1,50}$");
    /** Contact number that may go into a {@code where} filter: the CRM company id, a positive whole number. */
    private static final Pattern NUMERIC_CONTACT_NUMBER = Pattern.compile("^[1-9][0-9]{0,49}$");
    private static final Pattern TAX_NUMBER = Pattern.compile("^\\d{10}$");
    /** South African company registration number (YYYY/NNNNNN/NN), the only form that reaches a where filter. */
    private static final Pattern COMPANY_NUMBER = Pattern.compile("^\\d{4}/\\d{6}/\\d{2}$");
    private static final Pattern GUID = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** Contacts on one page of GET /Contacts when the {@code page} parameter is sent. */
    static final int CONTACTS_PAGE_SIZE = 100;
    /** Maximum pages an identifier lookup reads. More matching contacts are duplicates for finance to clean up. */
    static final int MAX_IDENTIFIER_PAGES = 10;

    private final HttpClient http;
    private final URI baseUrl;
    private final String tenantId;
    private final Supplier<String> accessToken;
    private final Duration requestTimeout;
    private final XeroTaxTypeSelector taxTypeSelector;
    private final XeroCallLimits callLimits;
    private final Consumer<String> tokenRejected;
    private final XeroJson json = new XeroJson();
    private final Object taxRatesLock = new Object();
    private volatile List<XeroTaxRate> taxRates;

    private XeroClient(Builder builder) {
        this.baseUrl = stripTrailingSlash(builder.baseUrl);
        this.tenantId = builder.tenantId;
        this.accessToken = builder.accessToken;
        this.requestTimeout = builder.requestTimeout;
        this.callLimits = builder.callLimits;
        this.tokenRejected = builder.tokenRejected;
        this.taxTypeSelector = new XeroTaxTypeSelector(builder.standardTaxType, builder.standardRate);
        this.http = HttpClient.newBuilder()
                .connectTimeout(builder.connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Starts a client for one tenant that requests a current OAuth 2.0 token from {@code accessToken} per call. */
    public static Builder builder(String tenantId, Supplier<String> accessToken) {
        return new Builder(tenantId, accessToken);
    }

    @Override
    public Optional<AccountingContact> findContactByNumber(String contactNumber) {
        requireContactNumber(contactNumber);

        HttpResponse<String> response = send(get("/Contacts/" + encode(contactNumber)), "find contact by number", true);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }

        // The same path also accepts a ContactID, so the number is compared before the contact is trusted.
        return json.contacts(successBody(response)).stream()
                .filter(contact -> contactNumber.equals(contact.contactNumber()))
                .findFirst();
    }

    @Override
    public List<AccountingContact> findContactsByTaxNumber(String taxNumber) {
        if (taxNumber == null || !TAX_NUMBER.matcher(taxNumber).matches()) {
            return List.of();
        }

        return contactsWhereEquals("TaxNumber", taxNumber, AccountingContact::taxNumber, "find contacts by tax number");
    }

    /**
     * Finds contacts by CompanyNumber with a {@code where} filter. The filter is built only from a number in
     * the form YYYY/NNNNNN/NN, so no free text reaches it. Any other input returns an empty list.
     */
    @Override
    public List<AccountingContact> findContactsByCompanyNumber(String companyNumber) {
        if (companyNumber == null || !COMPANY_NUMBER.matcher(companyNumber).matches()) {
            return List.of();
        }

        return contactsWhereEquals("CompanyNumber", companyNumber, AccountingContact::companyNumber,
                "find contacts by company number");
    }

    /**
     * Finds contacts by contact number, VAT number and company number with one GET /Contacts whose {@code where}
     * filter joins one equality per identifier with OR, for example
     * {@code ContactNumber=="72000001" OR TaxNumber=="4100000001"}, and keeps exact matches. Only values that
     * match strict patterns reach the filter: a contact number of digits (the CRM company id), a VAT number of
     * 10 digits and a company number in the form YYYY/NNNNNN/NN. A VAT or company number of another form is not
     * looked up, as in {@link #findContactsByTaxNumber}. A valid contact number of another form is read by path
     * with {@link #findContactByNumber} instead, which costs a second request.
     *
     * <p>The lookup requests {@code page=1}, and later pages while a page is full, because a list carries
     * MergedToContactID, as GET /Contacts/{ContactNumber} does, only when paging is used
     * (https://developer.xero.com/documentation/api/accounting/contacts). A maintainer of Xero's Ruby SDK
     * suggested {@code EmailAddress=="..." OR EmailAddress=="..."} as a where filter
     * (https://github.com/XeroAPI/xero-ruby/issues/267). NOTE: the Contacts reference names only AND for
     * joining where expressions, so the OR form rests on that suggestion.
     *
     * @throws IllegalArgumentException if the contact number is not 1 to 50 characters from A-Z, a-z, 0-9,
     *     ':', '_' and '-'
     * @throws DataException if all {@value #MAX_IDENTIFIER_PAGES} pages are full
     */
    @Override
    public List<AccountingContact> findContactsByIdentifiers(String contactNumber, String taxNumber, String companyNumber) {
        requireContactNumber(contactNumber);
        boolean numberInFilter = NUMERIC_CONTACT_NUMBER.matcher(contactNumber).matches();
        boolean taxNumberInFilter = taxNumber != null && TAX_NUMBER.matcher(taxNumber).matches();
        boolean companyNumberInFilter = companyNumber != null && COMPANY_NUMBER.matcher(companyNumber).matches();

        List<String> expressions = new ArrayList<>();
        if (numberInFilter) {
            expressions.add(equalsExpression("ContactNumber", contactNumber));
        }
        if (taxNumberInFilter) {
            expressions.add(equalsExpression("TaxNumber", taxNumber));
        }
        if (companyNumberInFilter) {
            expressions.add(equalsExpression("CompanyNumber", companyNumber));
        }

        Map<String, AccountingContact> found = new LinkedHashMap<>();
        if (!numberInFilter) {
            findContactByNumber(contactNumber).ifPresent(contact -> found.put(contact.contactId(), contact));
        }
        if (expressions.isEmpty()) {
            return List.copyOf(found.values());
        }
        for (AccountingContact contact : pagedContactsWhere(String.join(" OR ", expressions))) {
            boolean exact = (numberInFilter && contactNumber.equals(contact.contactNumber()))
                    || (taxNumberInFilter && taxNumber.equals(contact.taxNumber()))
                    || (companyNumberInFilter && companyNumber.equals(contact.companyNumber()));
            if (exact) {
                found.putIfAbsent(contact.contactId(), contact);
            }
        }
        return List.copyOf(found.values());
    }

    private static String equalsExpression(String field, String value) {
        return field + "==\"" + value + "\"";
    }

    /** Reads every page of {@code GET /Contacts?where=...&includeArchived=true&page=N}, up to the page limit. */
    private List<AccountingContact> pagedContactsWhere(String where) {
        List<AccountingContact> contacts = new ArrayList<>();
        for (int page = 1; page <= MAX_IDENTIFIER_PAGES; page++) {
            HttpResponse<String> response = send(
                    get("/Contacts?where=" + encode(where) + "&includeArchived=true&page=" + page),
                    "find contacts by identifiers", false);
            List<AccountingContact> onPage = json.contacts(successBody(response));
            contacts.addAll(onPage);
            if (onPage.size() < CONTACTS_PAGE_SIZE) {
                return contacts;
            }
        }
        throw new DataException("Xero returned " + MAX_IDENTIFIER_PAGES * CONTACTS_PAGE_SIZE + " or more contacts "
                + "with this company's contact number, VAT number or registration number. Finance must remove these "
                + "numbers from the duplicate contacts in Xero.", List.of("company"));
    }

    /**
     * Lists contacts, archived included, with {@code where=<field>=="<value>"} and keeps exact matches. Callers
     * pass only values already checked against a strict pattern, so the filter never carries free text.
     */
    private List<AccountingContact> contactsWhereEquals(String field, String value,
            Function<AccountingContact, String> getter, String operation) {
        HttpResponse<String> response = send(
                get("/Contacts?where=" + encode(equalsExpression(field, value)) + "&includeArchived=true"), operation, false);

        return json.contacts(successBody(response)).stream()
                .filter(contact -> value.equals(getter.apply(contact)))
                .toList();
    }

    /**
     * Searches with {@code searchTerm}, which covers EmailAddress, and keeps contacts whose e-mail address
     * equals the input ignoring case. The address is user text, so it is never put into a {@code where} filter.
     */
    @Override
    public List<AccountingContact> findContactsByEmail(String emailAddress) {
        if (emailAddress == null || emailAddress.isBlank()) {
            return List.of();
        }

        String expected = emailAddress.trim();
        HttpResponse<String> response = send(
                get("/Contacts?searchTerm=" + encode(expected) + "&includeArchived=true"), "find contacts by e-mail", false);

        return json.contacts(successBody(response)).stream()
                .filter(contact -> contact.emailAddress() != null && contact.emailAddress().trim().equalsIgnoreCase(expected))
                .toList();
    }

    /**
     * Reads a contact by ContactID. A merged contact comes back with its MergedToContactID. The same response
     * carries the contact's balances, so the result contains its receivables as {@link #creditStanding} reads them,
     * and a caller needs no second read for the credit rules.
     */
    @Override
    public Optional<AccountingContact> findContact(String contactId) {
        requireContactId(contactId);

        HttpResponse<String> response = send(get("/Contacts/" + contactId), "get contact", true);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        for (JsonNode node : successBody(response).path("Contacts")) {
            AccountingContact contact = json.contact(node);
            if (contactId.equalsIgnoreCase(contact.contactId())) {
                return Optional.of(contact.withReceivables(receivables(node)));
            }
        }
        return Optional.empty();
    }

    /**
     * Searches with Xero's {@code searchTerm} (which also matches first and last names, contact numbers and
     * e-mail addresses, case-insensitively) and keeps only contacts whose normalised name equals the normalised
     * input. Normalising lower-cases with the root locale, trims and collapses every run of whitespace to one
     * space, so "Example  Trading " matches "example trading" but not "Example Trading (Pty) Ltd".
     */
    @Override
    public List<AccountingContact> findContactsByName(String name) {
        if (name == null || name.isBlank()) {
            return List.of();
        }

        HttpResponse<String> response = send(
                get("/Contacts?searchTerm=" + encode(name.trim()) + "&includeArchived=true"),
                "find contacts by name", false);

        String expected = normaliseName(name);
        return json.contacts(successBody(response)).stream()
                .filter(contact -> contact.name() != null && normaliseName(contact.name()).equals(expected))
                .toList();
    }

    /**
     * Creates the contact. The idempotency key is {@code contact-create-<contactNumber>-<hash>}, where the hash
     * covers the request body, so a retry of the same request reuses the key and a corrected request gets a new
     * one. NOTE: how long Xero keeps a key, and whether it replays a stored rejection, is not documented.
     */
    @Override
    public AccountingContact createContact(ContactRequest request) {
        Objects.requireNonNull(request, "request");
        requireContactNumber(request.contactNumber());

        String body = json.contactCreateBody(request);
        String idempotencyKey = "contact-create-" + request.contactNumber() + "-" + shortHash(body);
        HttpRequest httpRequest = put("/Contacts?summarizeErrors=false", body, idempotencyKey);
        HttpResponse<String> response = send(httpRequest, "create contact", false, request);

        JsonNode element = singleElement(successBody(response), "Contacts", "create contact");
        rejectIfInvalid(element, "ContactID", "create contact", request);
        return json.contact(element);
    }

    @Override
    public AccountingContact setContactNumber(String contactId, String contactNumber) {
        requireText(contactId, "contactId");
        requireContactNumber(contactNumber);

        String body = json.contactNumberUpdateBody(contactId, contactNumber);
        String idempotencyKey = "contact-number-" + contactId + "-" + contactNumber;
        HttpResponse<String> response = send(
                post("/Contacts/" + encode(contactId) + "?summarizeErrors=false", body, idempotencyKey),
                "set contact number", false);

        JsonNode element = singleElement(successBody(response), "Contacts", "set contact number");
        rejectIfInvalid(element, "ContactID", "set contact number", null);
        return json.contact(element);
    }

    /**
     * Updates the contact with only the fields set in {@code changes}. The idempotency key is
     * {@code contact-update-<contactId>-<hash>}, where the hash covers the request body, so a retry reuses the key
     * and a later, different change gets a new one. A rejected element becomes a {@link DataException} whose
     * message has the contact's name, e-mail address and tax number replaced by placeholders.
     * NOTE: the sources read do not say whether an update that sends one address type clears the others. The
     * body sends only the POBOX address.
     */
    @Override
    public AccountingContact updateContact(String contactId, ContactRequest changes) {
        requireContactId(contactId);
        Objects.requireNonNull(changes, "changes");

        String body = json.contactUpdateBody(contactId, changes);
        String idempotencyKey = "contact-update-" + contactId + "-" + shortHash(body);
        HttpResponse<String> response = send(
                post("/Contacts/" + contactId + "?summarizeErrors=false", body, idempotencyKey),
                "update contact", false, changes);

        JsonNode element = singleElement(successBody(response), "Contacts", "update contact");
        rejectIfInvalid(element, "ContactID", "update contact", changes);
        return json.contact(element);
    }

    /**
     * Creates the invoice with {@code Idempotency-Key: idempotencyKey}, resolving each line's tax category
     * through {@link #taxTypeFor}. The key is checked before any HTTP call.
     *
     * @throws IllegalArgumentException if the key is null, blank or longer than 128 characters
     */
    @Override
    public AccountingInvoice createInvoice(InvoiceRequest request, String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("Idempotency key is missing: derive it from the handoff key before creating an invoice");
        }
        if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw new IllegalArgumentException("Idempotency key is " + idempotencyKey.length()
                    + " characters long, but Xero accepts at most " + MAX_IDEMPOTENCY_KEY_LENGTH);
        }
        Objects.requireNonNull(request, "request");
        requireText(request.contactId(), "contactId");
        Objects.requireNonNull(request.date(), "date");
        Objects.requireNonNull(request.dueDate(), "dueDate");

        String body = json.invoiceCreateBody(request, (InvoiceLine line) -> taxTypeFor(line.taxCategory()));
        HttpResponse<String> response = send(
                put("/Invoices?summarizeErrors=false", body, idempotencyKey), "create invoice", false);

        JsonNode element = singleElement(successBody(response), "Invoices", "create invoice");
        rejectIfInvalid(element, "InvoiceID", "create invoice", null);
        return json.invoice(element);
    }

    /**
     * Searches with Xero's {@code searchTerm} on GET /Invoices, which matches invoice numbers and references
     * case-insensitively, and keeps invoices whose reference equals {@code reference} exactly. Invoices of
     * every status are returned, VOIDED and DELETED included.
     */
    @Override
    public List<AccountingInvoice> findInvoicesByReference(String reference) {
        requireText(reference, "reference");

        HttpResponse<String> response = send(
                get("/Invoices?searchTerm=" + encode(reference)), "find invoices by reference", false);

        return json.invoices(successBody(response)).stream()
                .filter(invoice -> reference.equals(invoice.reference()))
                .toList();
    }

    /**
     * Reads the invoice and cross-checks its payment figures with {@link XeroPaymentCheck}. A mismatch is
     * logged with the invoice and tenant ids only, and the invoice is returned as Xero reports it. Xero computes
     * AmountPaid, AmountCredited and AmountDue from the allocations itself, so a mismatch more likely means an
     * allocation this check does not read than wrong money. Failing the read would hold back a real payment.
     */
    @Override
    public AccountingInvoice getInvoice(String invoiceId) {
        requireText(invoiceId, "invoiceId");

        HttpResponse<String> response = send(get("/Invoices/" + encode(invoiceId)), "get invoice", false);

        JsonNode root = successBody(response);
        AccountingInvoice invoice = singleInvoice(root, invoiceId);
        for (JsonNode element : XeroJson.elements(root, "Invoices")) {
            List<XeroPaymentCheck.Mismatch> mismatches = XeroPaymentCheck.mismatches(element);
            if (!mismatches.isEmpty()) {
                LOG.warn("Xero invoice {} of tenant {} failed payment cross-checks {}; its status follows AmountPaid, "
                        + "AmountCredited and AmountDue", invoiceId, tenantId, mismatches);
            }
        }
        return invoice;
    }

    /**
     * Returns the tax type for a category from the organisation's tax rates, read once per client with
     * {@code GET /TaxRates}. STANDARD uses the configured code (default {@code OUTPUT3}), ZERO_RATED
     * {@code ZERORATED}, ZERO_RATED_EXPORT {@code ZERORATEDOUTPUT} and EXEMPT {@code EXEMPTOUTPUT}, each only if
     * ACTIVE, usable on revenue and at the expected rate.
     *
     * @throws ConfigurationException if no rate fits, because the old 14% {@code OUTPUT} is never used
     */
    /**
     * Reads the contact's {@code Balances.AccountsReceivable} (Outstanding and Overdue, in the contact's own
     * currency, not converted) with GET /Contacts/{ContactID}. An absent balance counts as zero.
     * NOTE: the Accounting API's contact carries no credit limit that this client reads, so the limit is
     * always empty and the configured credit limit applies.
     */
    @Override
    public CreditStanding creditStanding(String contactId) {
        requireText(contactId, "contactId");

        HttpResponse<String> response = send(get("/Contacts/" + encode(contactId)), "read contact balances", false);
        JsonNode contact = singleElement(successBody(response), "Contacts", "read contact balances");
        return receivables(contact);
    }

    private static CreditStanding receivables(JsonNode contact) {
        JsonNode receivable = contact.path("Balances").path("AccountsReceivable");
        return new CreditStanding(amount(receivable.path("Outstanding")), amount(receivable.path("Overdue")), Optional.empty());
    }

    private static BigDecimal amount(JsonNode value) {
        return value.isNumber() ? value.decimalValue() : BigDecimal.ZERO;
    }

    @Override
    public String taxTypeFor(TaxCategory category) {
        Objects.requireNonNull(category, "category");
        return taxTypeSelector.select(category, loadTaxRates());
    }

    private List<XeroTaxRate> loadTaxRates() {
        List<XeroTaxRate> loaded = taxRates;
        if (loaded != null) {
            return loaded;
        }
        synchronized (taxRatesLock) {
            if (taxRates == null) {
                HttpResponse<String> response = send(get("/TaxRates"), "list tax rates", false);
                taxRates = List.copyOf(json.taxRates(successBody(response)));
            }
            return taxRates;
        }
    }

    /**
     * Parses a 2xx body. A success that is not JSON (an HTML page from a proxy, say) proves nothing, so it is
     * retryable rather than read as "no match", which could lead to a duplicate contact.
     */
    private JsonNode successBody(HttpResponse<String> response) {
        JsonNode root = json.read(response.body());
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new RetryableException(API + " returned HTTP " + response.statusCode() + " with a body that is not a JSON object", null);
        }
        return root;
    }

    private AccountingInvoice singleInvoice(JsonNode root, String invoiceId) {
        List<AccountingInvoice> invoices = json.invoices(root);
        if (invoices.size() != 1) {
            throw new RetryableException("Xero get invoice returned " + invoices.size()
                    + " invoices for invoice " + invoiceId + ", expected 1", null);
        }
        return invoices.get(0);
    }

    private static JsonNode singleElement(JsonNode root, String collection, String operation) {
        List<JsonNode> elements = new ArrayList<>();
        XeroJson.elements(root, collection).forEach(elements::add);
        if (elements.size() != 1) {
            // A 2xx without the element gives no proof either way, so a retry with the same key decides.
            throw new RetryableException(API + " " + operation + " returned " + elements.size() + " "
                    + collection + " elements, expected 1", null);
        }
        return elements.get(0);
    }

    private static void rejectIfInvalid(JsonNode element, String idField, String operation, ContactRequest personalData) {
        List<String> messages = XeroJson.validationMessages(element, idField);
        if (!messages.isEmpty()) {
            throw validationFailure(operation, messages, personalData);
        }
    }

    private static DataException validationFailure(String operation, List<String> messages, ContactRequest personalData) {
        List<String> redacted = messages.stream().map(message -> redact(message, personalData)).toList();
        return new DataException(API + " rejected " + operation + ": " + String.join("; ", redacted), List.of());
    }

    /** Replaces the request's name, e-mail address and tax number in a Xero message with placeholders. */
    private static String redact(String message, ContactRequest request) {
        if (request == null) {
            return message;
        }
        String result = message;
        result = replaceIfPresent(result, request.name(), "[contact name]");
        result = replaceIfPresent(result, request.emailAddress(), "[e-mail address]");
        result = replaceIfPresent(result, request.taxNumber(), "[tax number]");
        return result;
    }

    private static String replaceIfPresent(String text, String value, String placeholder) {
        return value == null || value.isBlank() ? text : text.replace(value, placeholder);
    }

    private HttpResponse<String> send(HttpRequest request, String operation, boolean notFoundIsEmpty) {
        return send(request, operation, notFoundIsEmpty, null);
    }

    private HttpResponse<String> send(
            HttpRequest request, String operation, boolean notFoundIsEmpty, ContactRequest personalData) {
        HttpResponse<String> response = exchange(request, operation);
        if (response.statusCode() == 401 && tokenRejected != null) {
            // Xero rejected a token we believed valid (revoked, or expired early by clock skew): refresh once and retry.
            String rejected = request.headers().firstValue("Authorization").orElse("").replaceFirst("^Bearer ", "");
            tokenRejected.accept(rejected);
            response = exchange(withFreshToken(request), operation);
        }

        int status = response.statusCode();

        if (status >= 200 && status < 300) {
            return response;
        }
        if (status == 404 && notFoundIsEmpty) {
            return response;
        }
        if (status == 429) {
            ThrottledException throttled = rateLimited(operation, response);
            if (callLimits != null) {
                callLimits.recordRateLimit(tenantId, response.headers().firstValue("X-Rate-Limit-Problem").orElse("unknown"),
                        throttled.delay());
            }
            throw throttled;
        }
        if (status == 400) {
            List<String> messages = XeroJson.validationExceptionMessages(json.read(response.body()));
            if (!messages.isEmpty()) {
                throw validationFailure(operation, messages, personalData);
            }
        }
        throw HttpFailures.classify(API, operation, response);
    }

    /** Checks the room with {@link XeroCallLimits#requireRoom}; a client without call limits checks nothing. */
    @Override
    public void requireCallsAvailable(int calls) {
        if (callLimits != null) {
            callLimits.requireRoom(tenantId, calls);
        }
    }

    /** Reserves the calls from {@link XeroCallLimits#reserve}; a client without call limits reserves nothing. */
    @Override
    public CallReservation reserveCalls(int calls) {
        return callLimits == null ? CallReservation.NONE : callLimits.reserve(tenantId, calls);
    }

    /**
     * Turns a 429 into a {@link ThrottledException} that delays the work by Xero's {@code Retry-After}, or a
     * minute if the header is missing, and names the limit from {@code X-Rate-Limit-Problem}.
     */
    private HttpResponse<String> exchange(HttpRequest request, String operation) {
        long started = System.nanoTime();
        HttpResponse<String> response;
        try (ConcurrencyLease.Lease slot = callLimits == null ? null : callLimits.enter(tenantId)) {
            response = HttpCalls.send(http, request, API, operation);
        }
        LOG.debug("xero call operation={} status={} durationMs={}", operation, response.statusCode(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return response;
    }

    /** Copies {@code request} with the current access token in place of the rejected one. */
    private HttpRequest withFreshToken(HttpRequest request) {
        return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Authorization"))
                .header("Authorization", "Bearer " + currentToken())
                .build();
    }

    private static ThrottledException rateLimited(String operation, HttpResponse<String> response) {
        String limit = response.headers().firstValue("X-Rate-Limit-Problem").orElse("unknown");
        StringBuilder message = new StringBuilder(API + " " + operation + " failed with HTTP 429 (rate limited: "
                + limit + " limit");
        response.headers().firstValue("X-DayLimit-Remaining")
                .ifPresent(remaining -> message.append(", day calls remaining ").append(remaining));
        message.append(")");
        return new ThrottledException(message.toString(), HttpFailures.retryAfter(response).orElse(DEFAULT_RETRY_AFTER));
    }

    private HttpRequest get(String pathAndQuery) {
        return request(pathAndQuery).GET().build();
    }

    private HttpRequest post(String pathAndQuery, String body, String idempotencyKey) {
        return withBody("POST", pathAndQuery, body, idempotencyKey);
    }

    private HttpRequest put(String pathAndQuery, String body, String idempotencyKey) {
        return withBody("PUT", pathAndQuery, body, idempotencyKey);
    }

    private HttpRequest withBody(String method, String pathAndQuery, String body, String idempotencyKey) {
        return request(pathAndQuery)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private String currentToken() {
        String token = accessToken.get();
        if (token == null || token.isBlank()) {
            throw new ConfigurationException("Xero access token is missing: check the token store for tenant " + tenantId);
        }
        return token;
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + currentToken())
                .header("xero-tenant-id", tenantId)
                .header("Accept", "application/json");
    }

    static String normaliseName(String name) {
        return WHITESPACE.matcher(name.trim()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /** Percent-encodes a query value or path segment, with spaces as {@code %20}. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void requireContactNumber(String contactNumber) {
        if (contactNumber == null || !CONTACT_NUMBER.matcher(contactNumber).matches()) {
            throw new IllegalArgumentException("Invalid contact number: expected 1 to 50 characters from "
                    + "A-Z, a-z, 0-9, ':', '_' and '-' (the CRM company id)");
        }
    }

    private static void requireContactId(String contactId) {
        if (contactId == null || !GUID.matcher(contactId).matches()) {
            throw new IllegalArgumentException("Invalid Xero ContactID: expected a GUID such as 5d1c2b3a-0000-4000-8000-0000000000c1");
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is missing");
        }
    }

    private static String shortHash(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }

    private static URI stripTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    /** Settings of a {@link XeroClient}. Every setting except the tenant and token has a default. */
    public static final class Builder {

        private final String tenantId;
        private final Supplier<String> accessToken;
        private URI baseUrl = DEFAULT_BASE_URL;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private String standardTaxType = DEFAULT_STANDARD_TAX_TYPE;
        private BigDecimal standardRate = DEFAULT_STANDARD_RATE;
        private XeroCallLimits callLimits;
        private Consumer<String> tokenRejected;

        private Builder(String tenantId, Supplier<String> accessToken) {
            if (tenantId == null || tenantId.isBlank()) {
                throw new IllegalArgumentException("Xero tenant id is missing: set XERO_TENANT_ID");
            }
            this.tenantId = tenantId;
            this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
        }

        /** API root, default {@code https://api.xero.com/api.xro/2.0}. Tests point it at a local server. */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** Time allowed to open a connection, default 5 seconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Time allowed for each request until the response headers arrive, default 10 seconds. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requirePositive(requestTimeout, "requestTimeout");
            return this;
        }

        /** Preferred tax type for standard-rated sales, default {@code OUTPUT3}. */
        public Builder standardTaxType(String standardTaxType) {
            if (standardTaxType == null || standardTaxType.isBlank()) {
                throw new IllegalArgumentException("standardTaxType is missing");
            }
            this.standardTaxType = standardTaxType;
            return this;
        }

        /** Standard VAT rate in percent that the standard tax type must have, default 15.00. */
        public Builder standardRate(BigDecimal standardRate) {
            this.standardRate = Objects.requireNonNull(standardRate, "standardRate");
            return this;
        }

        /** Budgets and concurrency slots shared by all instances. Without them only Xero's own 429 limits calls. */
        public Builder callLimits(XeroCallLimits callLimits) {
            this.callLimits = Objects.requireNonNull(callLimits, "callLimits");
            return this;
        }

        /**
         * Receives an access token that Xero rejected with 401. The client then asks for a token again and retries
         * the call once, so a token source that refreshes on rejection heals a revoked or early-expired token.
         */
        public Builder onTokenRejected(Consumer<String> tokenRejected) {
            this.tokenRejected = Objects.requireNonNull(tokenRejected, "tokenRejected");
            return this;
        }

        public XeroClient build() {
            return new XeroClient(this);
        }

        private static Duration requirePositive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
