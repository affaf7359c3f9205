package dev.handoff.simulator.hubspot;

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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateful stand-in for one HubSpot portal, serving over HTTP on 127.0.0.1 the subset of the CRM v3 objects API
 * that Handoff uses, with HubSpot's JSON shapes:
 * <ul>
 *   <li>{@code GET /crm/v3/objects/deals/{id}?properties=…&associations=…}</li>
 *   <li>{@code POST /crm/v3/objects/{companies|contacts|line_items|products|notes}/batch/read}</li>
 *   <li>{@code PATCH /crm/v3/objects/deals/{id}}</li>
 *   <li>{@code POST /crm/v3/objects/notes} with a note-to-deal association</li>
 *   <li>{@code GET /crm/v4/objects/deals/{id}/associations/notes}</li>
 *   <li>{@code GET /crm/v3/pipelines/deals}, returning the default sales pipeline</li>
 *   <li>{@code GET} and {@code POST /crm/v3/properties/deals} and {@code /crm/v3/properties/deals/groups}, with
 *       {@code GET …/{name}} returning 404 for a property or group that does not exist</li>
 * </ul>
 * Every request needs {@code Authorization: Bearer <token>}, or it gets 401 with HubSpot's error shape
 * {@code {"status":"error","message":…,"category":…}}. Unknown ids get 404. Every reply carries
 * {@code X-HubSpot-RateLimit-Max}, {@code -Remaining} and {@code -Interval-Milliseconds}. {@link #rateLimitNext}
 * makes the next requests fail with 429 and {@code Retry-After}, as a portal over its limit does.
 */
public final class HubSpotSimulator implements AutoCloseable {

    /** Classpath location of the demo portal: one won deal with a company, a contact and two line items. */
    public static final String DEMO_PORTAL_RESOURCE = "hubspot/demo-hubspot-portal.json";

    private static final Logger LOG = LoggerFactory.getLogger(HubSpotSimulator.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern DEAL_PATH = Pattern.compile("/crm/v3/objects/deals/([0-9]+)");
    private static final Pattern BATCH_READ_PATH =
            Pattern.compile("/crm/v3/objects/(companies|contacts|line_items|products|notes)/batch/read");
    private static final String NOTES_PATH = "/crm/v3/objects/notes";
    private static final Pattern DEAL_NOTES_PATH = Pattern.compile("/crm/v4/objects/deals/([0-9]+)/associations/notes");
    private static final String PROPERTIES_PATH = "/crm/v3/properties/deals";
    private static final String PIPELINES_PATH = "/crm/v3/pipelines/deals";
    /** Classpath location of the default deal pipeline that every HubSpot portal starts with. */
    private static final String PIPELINES_RESOURCE = "hubspot/deal-pipelines.json";
    private static final String GROUPS_PATH = "/crm/v3/properties/deals/groups";
    private static final Pattern PROPERTY_PATH = Pattern.compile("/crm/v3/properties/deals/([a-z0-9_]+)");
    private static final Pattern GROUP_PATH = Pattern.compile("/crm/v3/properties/deals/groups/([a-z0-9_]+)");
    /** The burst limit reported in the rate-limit headers: 100 requests per 10 seconds, as on a Starter portal. */
    private static final int BURST_LIMIT = 100;
    private static final int NOTE_TO_DEAL_ASSOCIATION_TYPE_ID = 214;

    private final HubSpotPortalState state = new HubSpotPortalState();
    private final AtomicLong nextNoteId = new AtomicLong(5_000_000_001L);
    private final AtomicInteger rateLimitedRequests = new AtomicInteger();
    private final AtomicInteger requestCount = new AtomicInteger();
    private volatile int retryAfterSeconds = 1;
    private final String accessToken;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile Consumer<SimulatedRequest> requestListener;

    private HubSpotSimulator(HttpServer server, ExecutorService executor, String accessToken, Clock clock) {
        this.server = server;
        this.executor = executor;
        this.accessToken = accessToken;
        this.clock = clock;
    }

    /**
     * Starts a simulator on 127.0.0.1. {@code port} 0 picks a free port, and {@code accessToken} is the only
     * bearer token accepted.
     */
    public static HubSpotSimulator start(int port, String accessToken) {
        return start(port, accessToken, Clock.systemUTC());
    }

    /** Starts a simulator whose record timestamps come from {@code clock}. */
    public static HubSpotSimulator start(int port, String accessToken, Clock clock) {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(clock, "clock");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to bind the HubSpot simulator to 127.0.0.1:" + port, e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4);
        HubSpotSimulator simulator = new HubSpotSimulator(server, executor, accessToken, clock);
        server.createContext("/", simulator::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("HubSpot simulator listening on {}", simulator.baseUrl());
        return simulator;
    }

    /** Returns the API root to configure as the HubSpot client's base URL, for example http://127.0.0.1:41234. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Loads a portal fixture: {@code deals} (each with {@code id}, {@code properties} and {@code associations}
     * mapping {@code companies}, {@code contacts} and {@code line_items} to id arrays), {@code companies},
     * {@code contacts} and {@code line_items} (each with {@code id} and {@code properties}). Existing records
     * with the same ids are replaced.
     */
    public void seed(JsonNode portal) {
        state.seed(portal);
    }

    /** Loads {@link #DEMO_PORTAL_RESOURCE}. */
    public void seedDemoPortal() {
        seed(readResource(DEMO_PORTAL_RESOURCE));
    }

    public void putDeal(String id, Map<String, String> properties, List<String> companyIds, List<String> contactIds,
            List<String> lineItemIds) {
        state.putDeal(id, properties, Map.of(
                "companies", companyIds, "contacts", contactIds, "line_items", lineItemIds));
    }

    public void putCompany(String id, Map<String, String> properties) {
        state.putObject("companies", id, properties);
    }

    public void putContact(String id, Map<String, String> properties) {
        state.putObject("contacts", id, properties);
    }

    public void putLineItem(String id, Map<String, String> properties) {
        state.putObject("line_items", id, properties);
    }

    /** Returns a copy of the deal's current properties, including every PATCH applied so far. */
    public Map<String, String> dealProperties(String dealId) {
        return state.dealProperties(dealId);
    }

    /** Returns the notes associated to the deal, oldest first. */
    public List<HubSpotNote> notesFor(String dealId) {
        return state.notesFor(dealId);
    }

    /** Calls {@code listener} after every request; {@code null} turns it off. */
    public void requestListener(Consumer<SimulatedRequest> listener) {
        this.requestListener = listener;
    }

    /** Returns every successful deal PATCH in arrival order. */
    /** Adds or replaces a catalogue product, for example with a {@code price}. */
    public void putProduct(String id, Map<String, String> properties) {
        state.putObject("products", id, properties);
    }

    /** Deletes a deal, so reading or writing it gets HubSpot's 404. */
    public void deleteDeal(String dealId) {
        state.deleteDeal(dealId);
    }

    /** Merges a deal into another, so reading the merged deal's id returns the surviving deal. */
    public void mergeDeal(String mergedDealId, String survivingDealId) {
        state.mergeDeal(mergedDealId, survivingDealId);
    }

    /** Makes the next {@code requests} requests fail with HTTP 429 and {@code Retry-After: retryAfterSeconds}. */
    public void rateLimitNext(int requests, int retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
        rateLimitedRequests.set(requests);
    }

    /** Returns the deal properties created with the properties API, by name. */
    public Map<String, JsonNode> dealPropertyDefinitions() {
        return state.dealPropertyDefinitions();
    }

    /** Returns the deal property groups created with the properties API, by name. */
    public Map<String, JsonNode> dealPropertyGroups() {
        return state.dealPropertyGroups();
    }

    public List<DealPatch> patchLog() {
        return state.patchLog();
    }

    /** Reads a JSON fixture from the classpath, such as {@link #DEMO_PORTAL_RESOURCE}. */
    public static JsonNode readResource(String name) {
        try (InputStream in = HubSpotSimulator.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("classpath resource not found: " + name);
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read classpath resource " + name, e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        try {
            handleRequest(exchange);
        } finally {
            Consumer<SimulatedRequest> listener = requestListener;
            if (listener != null) {
                listener.accept(new SimulatedRequest("hubspot", null, exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(), exchange.getResponseCode(), started, System.nanoTime()));
            }
        }
    }

    private void handleRequest(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (!("Bearer " + accessToken).equals(authorization)) {
                reply(exchange, 401, error("Authentication credentials not found or invalid.", "INVALID_AUTHENTICATION"));
                return;
            }

            addRateLimitHeaders(exchange);
            if (rateLimitedRequests.getAndUpdate(remaining -> Math.max(0, remaining - 1)) > 0) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
                ObjectNode limited = error("You have reached your secondly limit.", "RATE_LIMITS");
                limited.put("errorType", "RATE_LIMIT");
                limited.put("policyName", "SECONDLY");
                reply(exchange, 429, limited);
                return;
            }

            Matcher deal = DEAL_PATH.matcher(path);
            Matcher batchRead = BATCH_READ_PATH.matcher(path);
            Matcher dealNotes = DEAL_NOTES_PATH.matcher(path);
            Matcher property = PROPERTY_PATH.matcher(path);
            Matcher group = GROUP_PATH.matcher(path);
            if (path.equals(PIPELINES_PATH) && method.equals("GET")) {
                reply(exchange, 200, readResource(PIPELINES_RESOURCE));
            } else if (dealNotes.matches() && method.equals("GET")) {
                listDealNotes(exchange, dealNotes.group(1));
            } else if ((path.equals(PROPERTIES_PATH) || path.equals(GROUPS_PATH)) && method.equals("POST")) {
                createDefinition(exchange, path.equals(GROUPS_PATH));
            } else if (group.matches() && method.equals("GET")) {
                readDefinition(exchange, state.dealPropertyGroups().get(group.group(1)), group.group(1));
            } else if (property.matches() && !path.equals(GROUPS_PATH) && method.equals("GET")) {
                readDefinition(exchange, state.dealPropertyDefinitions().get(property.group(1)), property.group(1));
            } else if (deal.matches() && method.equals("GET")) {
                readDeal(exchange, deal.group(1));
            } else if (deal.matches() && method.equals("PATCH")) {
                patchDeal(exchange, deal.group(1));
            } else if (batchRead.matches() && method.equals("POST")) {
                batchRead(exchange, batchRead.group(1));
            } else if (path.equals(NOTES_PATH) && method.equals("POST")) {
                createNote(exchange);
            } else {
                reply(exchange, 404, error("No route for " + method + " " + path + " in the simulator.", "NOT_FOUND"));
            }
        } catch (RuntimeException e) {
            LOG.warn("HubSpot simulator failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            reply(exchange, 500, error("Simulator error: " + e.getClass().getSimpleName(), "INTERNAL_ERROR"));
        }
    }

    private void readDeal(HttpExchange exchange, String dealId) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI());
        List<String> propertyNames = split(query.get("properties"));
        List<String> associationTypes = split(query.get("associations"));

        ObjectNode deal = state.dealJson(dealId, propertyNames, associationTypes);
        if (deal == null) {
            reply(exchange, 404, objectNotFound(dealId));
            return;
        }
        reply(exchange, 200, deal);
    }

    private void batchRead(HttpExchange exchange, String objectType) throws IOException {
        JsonNode request = readBody(exchange);
        if (request == null || !request.path("inputs").isArray()) {
            reply(exchange, 400, error("Invalid input JSON: inputs is required.", "VALIDATION_ERROR"));
            return;
        }
        List<String> propertyNames = new ArrayList<>();
        request.path("properties").forEach(name -> propertyNames.add(name.asText()));

        ArrayNode results = MAPPER.createArrayNode();
        ArrayNode missing = MAPPER.createArrayNode();
        for (JsonNode input : request.path("inputs")) {
            ObjectNode object = objectType.equals("notes")
                    ? state.noteJson(input.path("id").asText(), propertyNames)
                    : state.objectJson(objectType, input.path("id").asText(), propertyNames);
            if (object == null) {
                missing.add(input.path("id").asText());
            } else {
                results.add(object);
            }
        }

        ObjectNode response = MAPPER.createObjectNode();
        response.put("status", "COMPLETE");
        response.set("results", results);
        String now = clock.instant().toString();
        response.put("startedAt", now);
        response.put("completedAt", now);
        if (!missing.isEmpty()) {
            response.put("numErrors", 1);
            ObjectNode error = response.putArray("errors").addObject();
            error.put("status", "error");
            error.put("category", "OBJECT_NOT_FOUND");
            error.put("message", "Could not get some " + objectType + " objects, they may be deleted or not exist.");
            error.putObject("context").set("ids", missing);
        }
        reply(exchange, missing.isEmpty() ? 200 : 207, response);
    }

    private void patchDeal(HttpExchange exchange, String dealId) throws IOException {
        JsonNode request = readBody(exchange);
        if (request == null || !request.path("properties").isObject()) {
            reply(exchange, 400, error("Invalid input JSON: properties is required.", "VALIDATION_ERROR"));
            return;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        request.path("properties").fields().forEachRemaining(
                field -> properties.put(field.getKey(), field.getValue().isNull() ? null : field.getValue().asText()));

        if (!state.patchDeal(dealId, properties)) {
            reply(exchange, 404, objectNotFound(dealId));
            return;
        }
        reply(exchange, 200, state.dealJson(dealId, new ArrayList<>(properties.keySet()), List.of()));
    }

    private void createNote(HttpExchange exchange) throws IOException {
        JsonNode request = readBody(exchange);
        if (request == null) {
            reply(exchange, 400, error("Invalid input JSON.", "VALIDATION_ERROR"));
            return;
        }
        String body = textOrNull(request.path("properties").path("hs_note_body"));
        String timestamp = textOrNull(request.path("properties").path("hs_timestamp"));
        if (timestamp == null) {
            reply(exchange, 400, error("Property values were not valid: hs_timestamp is required.", "VALIDATION_ERROR"));
            return;
        }

        List<String> dealIds = new ArrayList<>();
        for (JsonNode association : request.path("associations")) {
            boolean noteToDeal = false;
            for (JsonNode type : association.path("types")) {
                noteToDeal |= "HUBSPOT_DEFINED".equals(type.path("associationCategory").asText())
                        && type.path("associationTypeId").asInt() == NOTE_TO_DEAL_ASSOCIATION_TYPE_ID;
            }
            if (!noteToDeal) {
                reply(exchange, 400, error("The simulator supports only note-to-deal associations (HUBSPOT_DEFINED "
                        + NOTE_TO_DEAL_ASSOCIATION_TYPE_ID + ").", "VALIDATION_ERROR"));
                return;
            }
            String dealId = association.path("to").path("id").asText();
            if (!state.hasDeal(dealId)) {
                reply(exchange, 400, error("Association to deal " + dealId + " is invalid: the deal does not exist.",
                        "VALIDATION_ERROR"));
                return;
            }
            dealIds.add(dealId);
        }

        HubSpotNote note = new HubSpotNote(Long.toString(nextNoteId.getAndIncrement()), body, timestamp,
                List.copyOf(dealIds));
        state.addNote(note);

        ObjectNode response = MAPPER.createObjectNode();
        response.put("id", note.id());
        ObjectNode properties = response.putObject("properties");
        properties.put("hs_note_body", body);
        properties.put("hs_timestamp", timestamp);
        properties.put("hs_object_id", note.id());
        response.put("createdAt", clock.instant().toString());
        response.put("updatedAt", clock.instant().toString());
        response.put("archived", false);
        reply(exchange, 201, response);
    }

    private void listDealNotes(HttpExchange exchange, String dealId) throws IOException {
        if (!state.hasDeal(dealId)) {
            reply(exchange, 404, objectNotFound(dealId));
            return;
        }
        ObjectNode response = MAPPER.createObjectNode();
        ArrayNode results = response.putArray("results");
        for (HubSpotNote note : state.notesFor(dealId)) {
            ObjectNode result = results.addObject();
            result.put("toObjectId", Long.parseLong(note.id()));
            result.putArray("associationTypes").addObject()
                    .put("category", "HUBSPOT_DEFINED")
                    .put("typeId", 213)
                    .putNull("label");
        }
        reply(exchange, 200, response);
    }

    private void createDefinition(HttpExchange exchange, boolean isGroup) throws IOException {
        JsonNode request = readBody(exchange);
        String name = request == null ? "" : request.path("name").asText("");
        if (name.isBlank() || !request.hasNonNull("label")) {
            reply(exchange, 400, error("Invalid input JSON: name and label are required.", "VALIDATION_ERROR"));
            return;
        }
        if (!isGroup && (!request.hasNonNull("type") || !request.hasNonNull("fieldType") || !request.hasNonNull("groupName"))) {
            reply(exchange, 400, error("Invalid input JSON: type, fieldType and groupName are required.", "VALIDATION_ERROR"));
            return;
        }
        if (!isGroup && !state.dealPropertyGroups().containsKey(request.path("groupName").asText())
                && !request.path("groupName").asText().equals("dealinformation")) {
            reply(exchange, 400, error("Property group " + request.path("groupName").asText() + " does not exist.",
                    "VALIDATION_ERROR"));
            return;
        }
        boolean created = isGroup ? state.createDealPropertyGroup(name, request) : state.createDealProperty(name, request);
        if (!created) {
            reply(exchange, 409, error((isGroup ? "Property group " : "Property ") + name + " already exists", "CONFLICT"));
            return;
        }
        reply(exchange, 201, request);
    }

    private static void readDefinition(HttpExchange exchange, JsonNode definition, String name) throws IOException {
        if (definition == null) {
            reply(exchange, 404, error(name + " does not exist", "OBJECT_NOT_FOUND"));
            return;
        }
        reply(exchange, 200, definition);
    }

    private void addRateLimitHeaders(HttpExchange exchange) {
        int used = requestCount.incrementAndGet() % BURST_LIMIT;
        exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Max", Integer.toString(BURST_LIMIT));
        exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Remaining", Integer.toString(BURST_LIMIT - used));
        exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        try {
            JsonNode node = MAPPER.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static ObjectNode objectNotFound(String id) {
        ObjectNode error = error("resource not found", "OBJECT_NOT_FOUND");
        error.putObject("context").putArray("id").add(id);
        return error;
    }

    private static ObjectNode error(String message, String category) {
        ObjectNode error = MAPPER.createObjectNode();
        error.put("status", "error");
        error.put("message", message);
        error.put("correlationId", "00000000-0000-4000-8000-000000000000");
        error.put("category", category);
        return error;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static List<String> split(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String textOrNull(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    @Override
    public String toString() {
        return "HubSpotSimulator[" + baseUrl() + "]";
    }
}
