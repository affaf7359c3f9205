package dev.handoff.simulator.xero;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.handoff.simulator.SimulatedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateful stand-in for the Xero Accounting API 2.0, for tests and demos. It listens on 127.0.0.1 under
 * {@code /api.xro/2.0} and serves what Handoff's Xero adapter calls, in Xero's JSON shapes: Contacts (GET by id
 * or number, GET with a {@code where} of equalities joined with OR, {@code searchTerm}, {@code includeArchived}
 * and {@code page}, PUT and POST), Invoices (PUT with {@code Idempotency-Key} replay, GET by id, GET with
 * {@code searchTerm} or {@code where} on Reference), TaxRates (a South African list) and Payments (PUT). Credit notes exist only
 * as allocations made with {@link #allocateCreditNote}, because there is no /CreditNotes endpoint. Requests need
 * {@code Authorization: Bearer <token>} (else 401) and the {@code xero-tenant-id} of a configured tenant (else
 * 403). The token is the configured one or, with {@link Builder#oauthClient}, one issued by the simulated OAuth
 * 2.0 endpoints (authorise, token, connections). With {@link Builder#rateLimits(double)} it also enforces Xero's
 * per-tenant limits (see {@link XeroRateLimiter}), which are off by default.
 *
 * <p>Invoice totals follow the rounding rule the adapter expects from Xero: each line amount is
 * quantity × unit amount × (1 − discount / 100) and each line's tax is rounded half-up to cents before summing.
 * NOTE: that Xero itself rounds tax per line is not verified against a live organisation.
 */
public final class XeroSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(XeroSimulator.class);

    public static final String BASE_PATH = "/api.xro/2.0";
    /** One {@code Field=="value"} expression, whose value cannot contain a double quote. */
    private static final String EQUALS_EXPRESSION = "(\\w+)\\s*==\\s*\"([^\"]*)\"";
    private static final Pattern EQUALS = Pattern.compile(EQUALS_EXPRESSION);
    private static final Pattern WHERE_EQUALS = Pattern.compile("^\\s*" + EQUALS_EXPRESSION + "\\s*$");
    /** Equalities joined with OR or {@code ||}, the two spellings of Xero's where syntax. */
    private static final Pattern WHERE_ANY_EQUALS = Pattern.compile("^\\s*" + EQUALS_EXPRESSION
            + "(?:(?:\\s+OR\\s+|\\s*\\|\\|\\s*)" + EQUALS_EXPRESSION + ")*\\s*$");
    /** Contacts on one page when the {@code page} parameter is sent, as in Xero. */
    static final int CONTACTS_PAGE_SIZE = 100;

    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper mapper;
    private final String accessToken;
    private final Clock clock;
    private final Map<String, XeroOrganisation> organisations = new ConcurrentHashMap<>();
    private final JsonNode taxRates;
    private final WebhookDispatcher webhooks;
    private final AtomicInteger putInvoiceCalls = new AtomicInteger();
    private final List<String> putInvoiceIdempotencyKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger invoiceCreatesToFail = new AtomicInteger();
    private volatile boolean outage;
    private volatile boolean tokenRevoked;
    private volatile URI webhookUrl;
    private final XeroRateLimiter rateLimiter;
    private volatile Consumer<SimulatedRequest> requestListener;
    private final XeroIdentityEndpoints identity;

    private XeroSimulator(Builder builder) throws IOException {
        this.mapper = new ObjectMapper()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        this.accessToken = builder.accessToken;
        this.clock = builder.clock;
        this.taxRates = loadTaxRates();
        this.webhooks = builder.webhookKey == null ? null : new WebhookDispatcher(builder.webhookKey, builder.clock);
        this.webhookUrl = builder.webhookUrl;
        this.rateLimiter = builder.timeScale == null ? null : new XeroRateLimiter(builder.timeScale, builder.clock);

        Map<String, BigDecimal> revenueRates = new HashMap<>();
        for (JsonNode rate : taxRates.path("TaxRates")) {
            if ("ACTIVE".equals(rate.path("Status").asText()) && rate.path("CanApplyToRevenue").asBoolean()) {
                revenueRates.put(rate.path("TaxType").asText(), rate.path("EffectiveRate").decimalValue());
            }
        }
        for (String tenantId : builder.tenantIds) {
            organisations.put(tenantId, new XeroOrganisation(tenantId, mapper, clock, revenueRates));
        }

        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port), 0);
        // With limits on, more threads than the concurrent limit, so that the limiter and not the pool caps it.
        this.executor = Executors.newFixedThreadPool(rateLimiter == null ? 4 : 4 * XeroRateLimiter.CONCURRENT_CALLS);
        server.setExecutor(executor);
        server.createContext(BASE_PATH, this::handle);
        if (builder.clientId != null) {
            this.identity = new XeroIdentityEndpoints(builder.clientId, builder.clientSecret, builder.tenantIds, clock,
                    builder.refreshGracePeriod);
            builder.refreshTokens.forEach(identity::issueRefreshToken);
            server.createContext(XeroIdentityEndpoints.AUTHORIZE_PATH, identity::authorize);
            server.createContext(XeroIdentityEndpoints.TOKEN_PATH, identity::token);
            server.createContext(XeroIdentityEndpoints.CONNECTIONS_PATH, identity::connections);
        } else {
            this.identity = null;
        }
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** API root to give the client, for example {@code http://127.0.0.1:41234/api.xro/2.0}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Xero's token endpoint on the simulator, for {@code XERO_TOKEN_URL}. */
    public URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + port() + XeroIdentityEndpoints.TOKEN_PATH);
    }

    /** Xero's connections endpoint on the simulator, for {@code XERO_CONNECTIONS_URL}. */
    public URI connectionsUrl() {
        return URI.create("http://127.0.0.1:" + port() + XeroIdentityEndpoints.CONNECTIONS_PATH);
    }

    /** Xero's authorisation endpoint on the simulator. It approves every request at once. */
    public URI authorizeUrl() {
        return URI.create("http://127.0.0.1:" + port() + XeroIdentityEndpoints.AUTHORIZE_PATH);
    }

    /** Number of refresh_token grants received, rejected ones included. */
    public int refreshCallCount() {
        return requireIdentity().refreshCalls();
    }

    /** Number of grants rejected with invalid_grant. */
    public int rejectedGrantCount() {
        return requireIdentity().rejectedGrants();
    }

    /**
     * Makes the next {@code count} successful refreshes rotate the refresh token but close the connection
     * without a response, as when a response is lost on the way to the client.
     */
    public void loseRefreshResponses(int count) {
        requireIdentity().loseRefreshResponses(count);
    }

    private XeroIdentityEndpoints requireIdentity() {
        if (identity == null) {
            throw new IllegalStateException("No OAuth client configured: call Builder.oauthClient before start()");
        }
        return identity;
    }

    /** Number of PUT /Invoices requests received, replays and failures included. */
    public int putInvoiceCallCount() {
        return putInvoiceCalls.get();
    }

    /**
     * Returns the Idempotency-Key header of every PUT /Invoices request in arrival order. A request without the
     * header appears as an empty string.
     */
    public List<String> putInvoiceIdempotencyKeys() {
        return List.copyOf(putInvoiceIdempotencyKeys);
    }

    /** Snapshot of a tenant's contacts in Xero's JSON shape. */
    public List<ObjectNode> contacts(String tenantId) {
        return organisation(tenantId).contacts();
    }

    /** Snapshot of a tenant's invoices in Xero's JSON shape. */
    public List<ObjectNode> invoices(String tenantId) {
        return organisation(tenantId).invoices();
    }

    /** Adds a contact directly, for example an existing customer; fields use Xero's names. Returns its ContactID. */
    public String seedContact(String tenantId, ObjectNode contact) {
        return organisation(tenantId).saveContact(contact).path("ContactID").asText();
    }

    /**
     * Makes the next {@code count} invoice creates store the invoice and then respond with 504, as when Xero creates
     * an invoice but the caller sees a timeout. A retry with the same Idempotency-Key gets the stored success.
     */
    public void failNextInvoiceCreatesAfterCommit(int count) {
        invoiceCreatesToFail.set(count);
    }

    /** Returns the rate limiter, empty unless {@link Builder#rateLimits(double)} turned limits on. */
    public Optional<XeroRateLimiter> rateLimiter() {
        return Optional.ofNullable(rateLimiter);
    }

    /** Calls {@code listener} after every request with a valid token and tenant; {@code null} turns it off. */
    public void requestListener(Consumer<SimulatedRequest> listener) {
        this.requestListener = listener;
    }

    /**
     * Starts or ends an outage: while it lasts, every API request gets 503 Service Unavailable and changes nothing.
     * Payments recorded through {@link #recordPayment} still work, as they come from the customer's side.
     */
    public void outage(boolean down) {
        this.outage = down;
    }

    /** Revokes or restores the access token: while revoked, every API request gets 401 Unauthorized. */
    public void revokeAccessToken(boolean revoked) {
        this.tokenRevoked = revoked;
    }

    /** Registers a receiver that gets an INVOICE UPDATE webhook after every payment; {@code null} turns it off. */
    public void webhookUrl(URI url) {
        this.webhookUrl = url;
    }

    /**
     * Records a payment as PUT /Payments does, then sends the invoice webhook if a receiver is registered.
     *
     * @throws XeroValidationException if Xero would reject the payment
     */
    public ObjectNode recordPayment(String tenantId, String invoiceId, BigDecimal amount) {
        ObjectNode payment = organisation(tenantId)
                .applyPayment(invoiceId, "090", LocalDate.now(clock.withZone(ZoneId.of("Africa/Johannesburg"))), amount);
        notifyInvoiceChanged(tenantId, invoiceId);
        return payment;
    }

    /**
     * Allocates a new credit note to the invoice, then sends the invoice webhook if a receiver is registered.
     *
     * @throws XeroValidationException if Xero would reject the allocation
     */
    public ObjectNode allocateCreditNote(String tenantId, String invoiceId, BigDecimal amount) {
        ObjectNode creditNote = organisation(tenantId)
                .allocateCreditNote(invoiceId, LocalDate.now(clock.withZone(ZoneId.of("Africa/Johannesburg"))), amount);
        notifyInvoiceChanged(tenantId, invoiceId);
        return creditNote;
    }

    /**
     * Voids an invoice as a person would in Xero, then sends the invoice webhook if a receiver is registered.
     *
     * @throws XeroValidationException if the invoice is missing or has payments
     */
    public ObjectNode voidInvoice(String tenantId, String invoiceId) {
        ObjectNode invoice = organisation(tenantId).voidInvoice(invoiceId);
        notifyInvoiceChanged(tenantId, invoiceId);
        return invoice;
    }

    /** Sends a signed INVOICE UPDATE webhook for the invoice and returns the receiver's HTTP status. */
    public int sendInvoiceWebhook(URI targetUrl, String tenantId, String invoiceId) {
        if (webhooks == null) {
            throw new IllegalStateException("No webhook key configured: call Builder.webhookKey before start()");
        }
        return webhooks.sendInvoiceUpdate(targetUrl, tenantId, invoiceId);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void notifyInvoiceChanged(String tenantId, String invoiceId) {
        URI target = webhookUrl;
        if (target != null && webhooks != null) {
            webhooks.sendInvoiceUpdate(target, tenantId, invoiceId);
        }
    }

    private XeroOrganisation organisation(String tenantId) {
        XeroOrganisation organisation = organisations.get(tenantId);
        if (organisation == null) {
            throw new IllegalArgumentException("Unknown tenant " + tenantId + ": configured tenants are " + organisations.keySet());
        }
        return organisation;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (outage) {
                sendProblem(exchange, 503, "Service Unavailable", "Simulated outage");
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (tokenRevoked || authorization == null || !(authorization.equals("Bearer " + accessToken) || (identity != null
                    && authorization.startsWith("Bearer ") && identity.isValidAccessToken(authorization.substring(7))))) {
                sendProblem(exchange, 401, "Unauthorized", "AuthenticationUnsuccessful");
                return;
            }
            XeroOrganisation organisation = organisations.get(
                    Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("xero-tenant-id"), ""));
            if (organisation == null) {
                sendProblem(exchange, 403, "Forbidden", "AuthenticationUnsuccessful");
                return;
            }
            routeWithinLimits(exchange, organisation);
        } catch (RuntimeException e) {
            LOG.warn("Xero simulator failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            sendJson(exchange, 500, mapper.createObjectNode().put("Message", "Simulator error: " + e.getClass().getSimpleName()));
        }
    }

    private void routeWithinLimits(HttpExchange exchange, XeroOrganisation organisation) throws IOException {
        long started = System.nanoTime();
        String tenantId = organisation.tenantId();
        try {
            if (rateLimiter == null) {
                route(exchange, organisation);
                return;
            }
            XeroRateLimiter.Decision decision = rateLimiter.tryAcquire(tenantId);
            exchange.getResponseHeaders().set("X-MinLimit-Remaining", Integer.toString(decision.minuteRemaining()));
            exchange.getResponseHeaders().set("X-DayLimit-Remaining", Integer.toString(decision.dayRemaining()));
            if (!decision.admitted()) {
                exchange.getResponseHeaders().set("Retry-After", Long.toString(decision.retryAfterSeconds()));
                exchange.getResponseHeaders().set("X-Rate-Limit-Problem", decision.problem());
                sendProblem(exchange, 429, "Too Many Requests", "Rate limit exceeded: " + decision.problem());
                return;
            }
            try {
                route(exchange, organisation);
            } finally {
                rateLimiter.release(tenantId);
            }
        } finally {
            Consumer<SimulatedRequest> listener = requestListener;
            if (listener != null) {
                listener.accept(new SimulatedRequest("xero", tenantId, exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), exchange.getResponseCode(), started, System.nanoTime()));
            }
        }
    }

    private void route(HttpExchange exchange, XeroOrganisation organisation) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath().substring(BASE_PATH.length());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String[] segments = path.replaceFirst("^/", "").split("/");
        String collection = segments[0];
        String id = segments.length > 1 ? URLDecoder.decode(segments[1], StandardCharsets.UTF_8) : null;

        switch (method + " " + collection + (id == null ? "" : "/{id}")) {
            case "GET Contacts" -> getContacts(exchange, organisation, query);
            case "GET Contacts/{id}" -> sendList(exchange, "Contacts", organisation.contactByIdOrNumber(id).stream().toList(), true);
            case "PUT Contacts", "POST Contacts" -> saveContacts(exchange, organisation, query, null);
            case "POST Contacts/{id}" -> saveContacts(exchange, organisation, query, id);
            case "PUT Invoices" -> putInvoices(exchange, organisation, query);
            case "GET Invoices" -> getInvoices(exchange, organisation, query);
            case "GET Invoices/{id}" -> sendList(exchange, "Invoices", organisation.invoice(id).stream().toList(), true);
            case "GET TaxRates" -> sendJson(exchange, 200, envelope("TaxRates", (ArrayNode) taxRates.get("TaxRates")));
            case "PUT Payments" -> putPayments(exchange, organisation, query);
            default -> sendProblem(exchange, 404, "Not Found", "The simulator does not serve " + method + " " + path);
        }
    }

    private void getContacts(HttpExchange exchange, XeroOrganisation organisation, Map<String, String> query)
            throws IOException {
        boolean includeArchived = Boolean.parseBoolean(query.getOrDefault("includeArchived", "false"));
        Predicate<ObjectNode> filter = contact -> true;
        if (query.containsKey("where")) {
            Optional<Predicate<ObjectNode>> where = whereAnyEquals(query.get("where"),
                    List.of("ContactNumber", "TaxNumber", "CompanyNumber", "Name"));
            if (where.isEmpty()) {
                sendValidationException(exchange, List.of("The simulator supports only where=Field==\"value\", or such "
                        + "expressions joined with OR, on ContactNumber, TaxNumber, CompanyNumber or Name"));
                return;
            }
            filter = where.get();
        }
        if (query.containsKey("searchTerm")) {
            String term = query.get("searchTerm").toLowerCase(Locale.ROOT);
            filter = filter.and(contact -> List.of("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress").stream()
                    .anyMatch(field -> contact.path(field).asText("").toLowerCase(Locale.ROOT).contains(term)));
        }
        List<ObjectNode> contacts = organisation.findContacts(filter, includeArchived);
        if (query.containsKey("page")) {
            OptionalInt page = positiveNumber(query.get("page"));
            if (page.isEmpty()) {
                sendValidationException(exchange, List.of("page must be a whole number of 1 or more"));
                return;
            }
            contacts = page(contacts, page.getAsInt());
        }
        sendList(exchange, "Contacts", contacts, false);
    }

    /** Returns page {@code page} (from 1) of {@link #CONTACTS_PAGE_SIZE} contacts, empty past the end. */
    private static List<ObjectNode> page(List<ObjectNode> contacts, int page) {
        long first = (long) (page - 1) * CONTACTS_PAGE_SIZE;
        if (first >= contacts.size()) {
            return List.of();
        }
        return contacts.subList((int) first, (int) Math.min(contacts.size(), first + CONTACTS_PAGE_SIZE));
    }

    private static OptionalInt positiveNumber(String text) {
        try {
            int value = Integer.parseInt(text);
            return value >= 1 ? OptionalInt.of(value) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private void getInvoices(HttpExchange exchange, XeroOrganisation organisation, Map<String, String> query)
            throws IOException {
        Predicate<ObjectNode> filter = invoice -> true;
        if (query.containsKey("where")) {
            Optional<Predicate<ObjectNode>> where = whereEquals(query.get("where"), List.of("Reference", "InvoiceNumber"));
            if (where.isEmpty()) {
                sendValidationException(exchange, List.of("The simulator supports only where=Field==\"value\" on Reference or InvoiceNumber"));
                return;
            }
            filter = where.get();
        }
        if (query.containsKey("searchTerm")) {
            String term = query.get("searchTerm").toLowerCase(Locale.ROOT);
            filter = filter.and(invoice -> List.of("InvoiceNumber", "Reference").stream()
                    .anyMatch(field -> invoice.path(field).asText("").toLowerCase(Locale.ROOT).contains(term)));
        }
        sendList(exchange, "Invoices", organisation.findInvoices(filter), false);
    }

    private void saveContacts(HttpExchange exchange, XeroOrganisation organisation, Map<String, String> query,
            String pathContactId) throws IOException {
        JsonNode request = readBody(exchange);
        if (request == null) {
            sendValidationException(exchange, List.of("The request body is not valid JSON"));
            return;
        }
        List<ObjectNode> results = new ArrayList<>();
        boolean anyFailed = false;
        for (JsonNode element : request.path("Contacts")) {
            ObjectNode input = element.deepCopy();
            if (pathContactId != null) {
                input.put("ContactID", pathContactId);
            }
            try {
                results.add(organisation.saveContact(input));
            } catch (XeroValidationException e) {
                anyFailed = true;
                results.add(failedElement(input, "ContactID", e.messages()));
            }
        }
        sendElements(exchange, query, "Contacts", results, anyFailed);
    }

    private void putInvoices(HttpExchange exchange, XeroOrganisation organisation, Map<String, String> query)
            throws IOException {
        putInvoiceCalls.incrementAndGet();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        putInvoiceIdempotencyKeys.add(key == null ? "" : key);
        if (key != null && key.isBlank()) {
            sendValidationException(exchange, List.of("Idempotency-Key must not be empty"));
            return;
        }
        if (key != null) {
            Optional<XeroOrganisation.StoredResponse> stored = organisation.storedResponse(key);
            if (stored.isPresent()) {
                sendRaw(exchange, stored.get().status(), stored.get().body());
                return;
            }
        }

        JsonNode request = readBody(exchange);
        if (request == null) {
            sendValidationException(exchange, List.of("The request body is not valid JSON"));
            return;
        }
        List<ObjectNode> results = new ArrayList<>();
        boolean anyFailed = false;
        for (JsonNode element : request.path("Invoices")) {
            try {
                results.add(organisation.createInvoice(element));
            } catch (XeroValidationException e) {
                anyFailed = true;
                results.add(failedElement(element.deepCopy(), "InvoiceID", e.messages()));
            }
        }
        Response response = elementsResponse(query, "Invoices", results, anyFailed);
        if (key != null) {
            organisation.storeResponse(key, new XeroOrganisation.StoredResponse(response.status(), response.body()));
        }

        if (invoiceCreatesToFail.getAndUpdate(remaining -> Math.max(0, remaining - 1)) > 0) {
            sendProblem(exchange, 504, "Gateway Timeout", "Simulated timeout after the invoice was stored");
            return;
        }
        sendRaw(exchange, response.status(), response.body());
    }

    private void putPayments(HttpExchange exchange, XeroOrganisation organisation, Map<String, String> query)
            throws IOException {
        JsonNode request = readBody(exchange);
        if (request == null) {
            sendValidationException(exchange, List.of("The request body is not valid JSON"));
            return;
        }
        List<ObjectNode> results = new ArrayList<>();
        List<String> paidInvoices = new ArrayList<>();
        boolean anyFailed = false;
        for (JsonNode element : request.path("Payments")) {
            try {
                String invoiceId = element.path("Invoice").path("InvoiceID").asText("");
                LocalDate date = LocalDate.parse(element.path("Date").asText());
                BigDecimal amount = element.path("Amount").decimalValue();
                results.add(organisation.applyPayment(invoiceId, element.path("Account").path("Code").asText(""), date, amount));
                paidInvoices.add(invoiceId);
            } catch (XeroValidationException e) {
                anyFailed = true;
                results.add(failedElement(element.deepCopy(), "PaymentID", e.messages()));
            } catch (RuntimeException e) {
                anyFailed = true;
                results.add(failedElement(element.deepCopy(), "PaymentID", List.of("Date must be in the form YYYY-MM-DD and Amount must be a number")));
            }
        }
        sendElements(exchange, query, "Payments", results, anyFailed);
        paidInvoices.forEach(invoiceId -> notifyInvoiceChanged(organisation.tenantId(), invoiceId));
    }

    /**
     * Parses {@code Field=="value"} expressions joined with OR or {@code ||} into a predicate that is true when
     * any of them is. Returns empty for any other form, for example one with AND or a field not in the list.
     */
    private Optional<Predicate<ObjectNode>> whereAnyEquals(String where, List<String> allowedFields) {
        if (!WHERE_ANY_EQUALS.matcher(where).matches()) {
            return Optional.empty();
        }
        Predicate<ObjectNode> any = node -> false;
        // Values contain no double quotes, so each match is one whole expression, even when a value contains OR.
        Matcher expression = EQUALS.matcher(where);
        while (expression.find()) {
            String field = expression.group(1);
            String value = expression.group(2);
            if (!allowedFields.contains(field)) {
                return Optional.empty();
            }
            any = any.or(node -> value.equals(node.path(field).asText(null)));
        }
        return Optional.of(any);
    }

    private Optional<Predicate<ObjectNode>> whereEquals(String where, List<String> allowedFields) {
        Matcher matcher = WHERE_EQUALS.matcher(where);
        if (!matcher.matches() || !allowedFields.contains(matcher.group(1))) {
            return Optional.empty();
        }
        String field = matcher.group(1);
        String value = matcher.group(2);
        return Optional.of(node -> value.equals(node.path(field).asText(null)));
    }

    private ObjectNode failedElement(ObjectNode element, String idField, List<String> messages) {
        element.put(idField, "00000000-0000-0000-0000-000000000000");
        element.put("HasValidationErrors", true);
        ArrayNode errors = element.putArray("ValidationErrors");
        messages.forEach(message -> errors.addObject().put("Message", message));
        return element;
    }

    private record Response(int status, String body) {
    }

    /** With summarizeErrors=false every element comes back with 200; otherwise any failure is a 400. */
    private Response elementsResponse(Map<String, String> query, String collection, List<ObjectNode> results,
            boolean anyFailed) throws IOException {
        boolean summarize = !"false".equalsIgnoreCase(query.getOrDefault("summarizeErrors", "true"));
        ArrayNode array = mapper.createArrayNode();
        results.forEach(array::add);
        if (summarize && anyFailed) {
            ObjectNode error = mapper.createObjectNode();
            error.put("ErrorNumber", 10);
            error.put("Type", "ValidationException");
            error.put("Message", "A validation exception occurred");
            error.set("Elements", array);
            return new Response(400, mapper.writeValueAsString(error));
        }
        return new Response(200, mapper.writeValueAsString(envelope(collection, array)));
    }

    private void sendElements(HttpExchange exchange, Map<String, String> query, String collection,
            List<ObjectNode> results, boolean anyFailed) throws IOException {
        Response response = elementsResponse(query, collection, results, anyFailed);
        sendRaw(exchange, response.status(), response.body());
    }

    private void sendList(HttpExchange exchange, String collection, List<ObjectNode> items, boolean notFoundIfEmpty)
            throws IOException {
        if (notFoundIfEmpty && items.isEmpty()) {
            sendProblem(exchange, 404, "Not Found", "The resource you're looking for cannot be found");
            return;
        }
        ArrayNode array = mapper.createArrayNode();
        items.forEach(array::add);
        sendJson(exchange, 200, envelope(collection, array));
    }

    private ObjectNode envelope(String collection, ArrayNode items) {
        ObjectNode root = mapper.createObjectNode();
        root.put("Id", UUID.randomUUID().toString());
        root.put("Status", "OK");
        root.put("ProviderName", "Handoff Xero simulator");
        root.put("DateTimeUTC", "/Date(" + clock.millis() + ")/");
        root.set(collection, items);
        return root;
    }

    private void sendValidationException(HttpExchange exchange, List<String> messages) throws IOException {
        ObjectNode error = mapper.createObjectNode();
        error.put("ErrorNumber", 10);
        error.put("Type", "ValidationException");
        error.put("Message", "A validation exception occurred");
        ArrayNode errors = error.putArray("Elements").addObject().putArray("ValidationErrors");
        messages.forEach(message -> errors.addObject().put("Message", message));
        sendJson(exchange, 400, error);
    }

    private void sendProblem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        ObjectNode problem = mapper.createObjectNode();
        problem.put("Type", (String) null);
        problem.put("Title", title);
        problem.put("Status", status);
        problem.put("Detail", detail);
        sendJson(exchange, status, problem);
    }

    private void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        sendRaw(exchange, status, mapper.writeValueAsString(body));
    }

    private static void sendRaw(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private JsonNode readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return mapper.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    /** Decodes a query string or form body into names and values. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            values.put(name, value);
        }
        return values;
    }

    private JsonNode loadTaxRates() {
        try (InputStream in = XeroSimulator.class.getResourceAsStream("/xero/tax-rates-za.json")) {
            if (in == null) {
                throw new IllegalStateException("Missing resource /xero/tax-rates-za.json");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read resource /xero/tax-rates-za.json", e);
        }
    }

    /** Settings of a {@link XeroSimulator}. At least one tenant and an access token are required. */
    public static final class Builder {

        private final List<String> tenantIds = new ArrayList<>();
        private int port;
        private String accessToken;
        private String webhookKey;
        private URI webhookUrl;
        private Clock clock = Clock.systemUTC();
        private Duration refreshGracePeriod = Duration.ZERO;
        private Double timeScale;
        private String clientId;
        private String clientSecret;
        private final List<String> refreshTokens = new ArrayList<>();

        private Builder() {
        }

        /**
         * Turns on Xero's per-tenant limits, with windows {@code timeScale} times shorter than Xero's, where 1
         * is real time. Off by default.
         */
        public Builder rateLimits(double timeScale) {
            this.timeScale = timeScale;
            return this;
        }

        /**
         * Serves Xero's OAuth 2.0 endpoints for one app: tokens issued there are accepted by the API besides the
         * fixed access token.
         */
        public Builder oauthClient(String clientId, String clientSecret) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
            return this;
        }

        /** Adds a refresh token that is valid once, as if the organisation had just been connected. */
        public Builder refreshToken(String refreshToken) {
            refreshTokens.add(Objects.requireNonNull(refreshToken, "refreshToken"));
            return this;
        }

        /** Port on 127.0.0.1; 0, the default, picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder tenant(String tenantId) {
            tenantIds.add(Objects.requireNonNull(tenantId, "tenantId"));
            return this;
        }

        public Builder accessToken(String accessToken) {
            this.accessToken = accessToken;
            return this;
        }

        /** Key used to sign webhook deliveries, as configured in a Xero app's webhook settings. */
        public Builder webhookKey(String webhookKey) {
            this.webhookKey = webhookKey;
            return this;
        }

        /** Receiver that gets an INVOICE UPDATE webhook after every payment. */
        public Builder webhookUrl(URI webhookUrl) {
            this.webhookUrl = webhookUrl;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how long a spent refresh token is accepted again, by the simulator's clock. Xero allows 30
         * minutes. The default is zero, so tests do not rely on the grace period unless they request it.
         */
        public Builder refreshGracePeriod(Duration refreshGracePeriod) {
            if (refreshGracePeriod == null || refreshGracePeriod.isNegative()) {
                throw new IllegalArgumentException("refreshGracePeriod must be zero or positive");
            }
            this.refreshGracePeriod = refreshGracePeriod;
            return this;
        }

        public XeroSimulator start() {
            if (tenantIds.isEmpty()) {
                throw new IllegalStateException("No tenant configured: call tenant(id) before start()");
            }
            if (accessToken == null || accessToken.isBlank()) {
                throw new IllegalStateException("No access token configured: call accessToken(token) before start()");
            }
            try {
                return new XeroSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("Failed to start the Xero simulator on 127.0.0.1:" + port, e);
            }
        }
    }
}
