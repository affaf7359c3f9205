package dev.handoff.crm.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmContact;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.crm.DealMergedException;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.RetryableException;
import dev.handoff.http.HttpCalls;
import dev.handoff.http.HttpFailures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.math.BigDecimal;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CrmClient} for the HubSpot CRM v3 objects API (https://developers.hubspot.com/docs/api/crm/deals),
 * authenticated with a private app or OAuth access token as {@code Authorization: Bearer}.
 *
 * <p>A 429 is a {@link dev.handoff.error.ThrottledException} delayed by its {@code Retry-After}, and every request
 * first passes {@link HubSpotRateLimits}. Other failures are classified by {@link HttpFailures}: 5xx, timeouts and
 * connection failures are {@link RetryableException}s, 401 and 403 are configuration errors, 404 is not found. A 2xx body that is not the
 * documented JSON shape raises {@link HubSpotProtocolException}. No message contains a response body.
 */
public final class HubSpotClient implements CrmClient {

    public static final URI DEFAULT_BASE_URL = URI.create("https://api.hubapi.com");
    public static final URI DEFAULT_APP_URL = URI.create("https://app.hubspot.com");
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** Maximum inputs in one batch read request. */
    static final int BATCH_READ_MAX_INPUTS = 100;
    static final int NOTE_ASSOCIATION_PAGE_SIZE = 500;
    private static final int HTTP_CONFLICT = 409;
    static final int NOTE_ASSOCIATION_MAX_PAGES = 4;

    private static final Logger LOG = LoggerFactory.getLogger(HubSpotClient.class);
    private static final String API = "HubSpot";
    private static final Pattern RECORD_ID = Pattern.compile("[0-9]{1,30}");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient httpClient;
    private final URI baseUrl;
    private final URI appUrl;
    private final Supplier<String> accessToken;
    private final String portalId;
    private final Duration requestTimeout;
    private final Clock clock;
    private final HubSpotRateLimits rateLimits;

    private HubSpotClient(Builder builder) {
        this.baseUrl = withoutTrailingSlash(builder.baseUrl);
        this.appUrl = withoutTrailingSlash(builder.appUrl);
        this.accessToken = builder.accessToken;
        this.portalId = builder.portalId;
        this.requestTimeout = builder.requestTimeout;
        this.clock = builder.clock;
        this.rateLimits = builder.rateLimits != null ? builder.rateLimits : HubSpotRateLimits.headersOnly(builder.clock);
        this.httpClient = builder.httpClient != null
                ? builder.httpClient
                : HttpClient.newBuilder().connectTimeout(builder.connectTimeout).build();
    }

    /** Returns a builder for a client of portal {@code portalId} that fetches the token from the supplier on every request. */
    public static Builder builder(Supplier<String> accessToken, String portalId) {
        return new Builder(accessToken, portalId);
    }

    /**
     * Reads the deal with {@code GET /crm/v3/objects/deals/{id}} including its association ids, then the
     * associated companies, contacts and line items with {@code POST /crm/v3/objects/{type}/batch/read}.
     *
     * @throws DealMergedException if HubSpot returns another deal: a GET for a merged deal's id returns the deal
     *         it was merged into
     */
    @Override
    public CrmDeal readDeal(String dealId) {
        requireRecordId(dealId);

        String query = "?properties=" + String.join(",", HubSpotProperties.DEAL) + "&associations="
                + String.join(",", HubSpotProperties.COMPANIES, HubSpotProperties.CONTACTS, HubSpotProperties.LINE_ITEMS);
        JsonNode deal = json("read deal", send("read deal", request("/crm/v3/objects/deals/" + dealId + query).GET()));
        String returnedId = deal.path("id").asText("");
        if (!returnedId.isEmpty() && !RECORD_ID.matcher(returnedId).matches()) {
            throw new HubSpotProtocolException("HubSpot read deal returned an id that is not a record id");
        }
        if (!returnedId.isEmpty() && !returnedId.equals(dealId)) {
            // NOTE: only the returned id is compared. The surviving deal's hs_merged_object_ids would name the
            // merged ids too, but HubSpot documents that property for contacts only.
            LOG.info("HubSpot returned deal {} for deal {}: the deal was merged", returnedId, dealId);
            throw new DealMergedException(dealId, returnedId);
        }
        JsonNode properties = deal.path("properties");

        List<CrmCompany> companies = batchRead(HubSpotProperties.COMPANIES, HubSpotProperties.COMPANY,
                HubSpotRecordMapper.associatedIds(deal, HubSpotProperties.COMPANIES), HubSpotRecordMapper::company);
        List<CrmContact> contacts = batchRead(HubSpotProperties.CONTACTS, HubSpotProperties.CONTACT,
                HubSpotRecordMapper.associatedIds(deal, HubSpotProperties.CONTACTS), HubSpotRecordMapper::contact);
        List<CrmLineItem> lineItems = batchRead(HubSpotProperties.LINE_ITEMS, HubSpotProperties.LINE_ITEM,
                HubSpotRecordMapper.associatedIds(deal, HubSpotProperties.LINE_ITEMS), HubSpotRecordMapper::lineItem);

        LOG.debug("read HubSpot deal {}: {} companies, {} contacts, {} line items",
                dealId, companies.size(), contacts.size(), lineItems.size());
        String owner = "deal " + dealId;
        return new CrmDeal(
                dealId,
                HubSpotRecordMapper.text(properties, HubSpotProperties.DEAL_NAME),
                HubSpotRecordMapper.text(properties, HubSpotProperties.DEAL_PIPELINE),
                HubSpotRecordMapper.text(properties, HubSpotProperties.DEAL_STAGE),
                HubSpotRecordMapper.instant(properties, HubSpotProperties.DEAL_CLOSE_DATE, owner),
                HubSpotRecordMapper.decimal(properties, HubSpotProperties.DEAL_AMOUNT, owner),
                HubSpotRecordMapper.text(properties, HubSpotProperties.DEAL_CURRENCY),
                companies,
                contacts,
                lineItems,
                recordUrl(dealId));
    }

    /** Writes the properties with {@code PATCH /crm/v3/objects/deals/{id}} without reading the response body. */
    @Override
    public void updateDeal(String dealId, Map<String, String> properties) {
        requireRecordId(dealId);
        Objects.requireNonNull(properties, "properties");

        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode values = body.putObject("properties");
        properties.forEach(values::put);

        send("update deal", jsonRequest("/crm/v3/objects/deals/" + dealId, "PATCH", body));
        LOG.debug("updated HubSpot deal {}: {} properties", dealId, properties.size());
    }

    /**
     * Creates a note with {@code POST /crm/v3/objects/notes}, timestamped now and associated to the deal
     * (association type {@value HubSpotProperties#NOTE_TO_DEAL_ASSOCIATION_TYPE_ID}), unless the deal already has
     * a note with the same text. The deal's notes are listed with the v4 associations API
     * (https://developers.hubspot.com/docs/api/crm/associations) and read with a batch read, so a retry after a
     * create whose response was lost adds no second note.
     */
    @Override
    public void addDealNote(String dealId, String text) {
        requireRecordId(dealId);
        Objects.requireNonNull(text, "text");
        if (dealHasNote(dealId, text)) {
            LOG.debug("HubSpot deal {} already has this note; not added again", dealId);
            return;
        }

        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode properties = body.putObject("properties");
        properties.put(HubSpotProperties.NOTE_BODY, text);
        properties.put(HubSpotProperties.NOTE_TIMESTAMP, clock.instant().toString());
        ObjectNode association = body.putArray("associations").addObject();
        association.putObject("to").put("id", dealId);
        association.putArray("types").addObject()
                .put("associationCategory", "HUBSPOT_DEFINED")
                .put("associationTypeId", HubSpotProperties.NOTE_TO_DEAL_ASSOCIATION_TYPE_ID);

        send("add deal note", jsonRequest("/crm/v3/objects/notes", "POST", body));
        LOG.debug("added note to HubSpot deal {}", dealId);
    }

    /** Returns {@link #readProductPrices} for the line items' product ids. */
    @Override
    public Map<String, BigDecimal> cataloguePrices(Collection<String> productIds) {
        return readProductPrices(List.copyOf(productIds));
    }

    /**
     * Reads the catalogue unit price of each product with {@code POST /crm/v3/objects/products/batch/read}, for
     * comparing line item prices with the catalogue. A product without a price is left out of the result, and so
     * is a product that HubSpot no longer returns: a line item keeps its {@code hs_product_id} after the product
     * is deleted from the library, and such a line has no catalogue price to compare with.
     */
    public Map<String, BigDecimal> readProductPrices(List<String> productIds) {
        Objects.requireNonNull(productIds, "productIds");
        List<String> ids = productIds.stream().distinct().toList();
        ids.forEach(HubSpotClient::requireRecordId);

        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        List<Map.Entry<String, BigDecimal>> read = batchRead("products", List.of(HubSpotProperties.PRODUCT_PRICE), ids,
                false, product -> new AbstractMap.SimpleEntry<>(HubSpotRecordMapper.id(product), HubSpotRecordMapper.decimal(
                        product.path("properties"), HubSpotProperties.PRODUCT_PRICE, "product " + HubSpotRecordMapper.id(product))));
        for (Map.Entry<String, BigDecimal> entry : read) {
            if (entry.getValue() != null) {
                prices.put(entry.getKey(), entry.getValue());
            }
        }
        return Map.copyOf(prices);
    }

    /** Reads the portal's deal pipelines and their stages with {@code GET /crm/v3/pipelines/deals}. */
    public List<HubSpotPipeline> readDealPipelines() {
        JsonNode response = getJson("read deal pipelines", "/crm/v3/pipelines/deals");
        JsonNode results = response.path("results");
        if (!results.isArray()) {
            throw new HubSpotProtocolException("HubSpot read deal pipelines response has no results array");
        }
        List<HubSpotPipeline> pipelines = new ArrayList<>();
        for (JsonNode pipeline : results) {
            List<HubSpotPipeline.Stage> stages = new ArrayList<>();
            for (JsonNode stage : pipeline.path("stages")) {
                JsonNode metadata = stage.path("metadata");
                stages.add(new HubSpotPipeline.Stage(stage.path("id").asText(), stage.path("label").asText(""),
                        "true".equalsIgnoreCase(metadata.path("isClosed").asText()),
                        HubSpotRecordMapper.decimal(metadata, "probability", "pipeline " + pipeline.path("id").asText())));
            }
            pipelines.add(new HubSpotPipeline(pipeline.path("id").asText(), pipeline.path("label").asText(""), stages));
        }
        return List.copyOf(pipelines);
    }

    /** Sends {@code GET path} and returns the response's JSON object, for API calls outside {@link CrmClient}. */
    JsonNode getJson(String operation, String pathAndQuery) {
        return json(operation, send(operation, request(pathAndQuery).GET()));
    }

    /**
     * Sends {@code POST path} with a JSON body and returns the response's JSON object, or empty when HubSpot
     * responds 409 Conflict because the object to create exists already.
     */
    Optional<JsonNode> create(String operation, String path, JsonNode body) {
        HttpResponse<byte[]> response = send(operation, jsonRequest(path, "POST", body), HTTP_CONFLICT);
        return response.statusCode() == HTTP_CONFLICT ? Optional.empty() : Optional.of(json(operation, response));
    }

    /** Returns the deal's page in the HubSpot app, for links in notes and review items. */
    public String recordUrl(String dealId) {
        return appUrl + "/contacts/" + portalId + "/record/0-3/" + dealId;
    }

    private boolean dealHasNote(String dealId, String text) {
        List<String> noteIds = new ArrayList<>();
        String after = null;
        for (int page = 0; page < NOTE_ASSOCIATION_MAX_PAGES; page++) {
            String query = "?limit=" + NOTE_ASSOCIATION_PAGE_SIZE + (after == null ? "" : "&after=" + after);
            JsonNode response = json("list deal notes", send("list deal notes",
                    request("/crm/v4/objects/deals/" + dealId + "/associations/notes" + query).GET()));
            for (JsonNode result : response.path("results")) {
                noteIds.add(result.path("toObjectId").asText());
            }
            after = response.path("paging").path("next").path("after").asText(null);
            if (after == null || !RECORD_ID.matcher(after).matches()) {
                break;
            }
        }
        // NOTE: a deal with more than NOTE_ASSOCIATION_MAX_PAGES pages of notes is checked on those pages only.
        List<String> bodies = batchRead("notes", List.of(HubSpotProperties.NOTE_BODY), noteIds,
                note -> note.path("properties").path(HubSpotProperties.NOTE_BODY).asText(""));
        return bodies.stream().anyMatch(body -> body.strip().equals(text.strip()));
    }

    private <T> List<T> batchRead(String objectType, List<String> propertyNames, List<String> ids,
            Function<JsonNode, T> mapper) {
        return batchRead(objectType, propertyNames, ids, true, mapper);
    }

    /**
     * Reads the records in chunks of {@value #BATCH_READ_MAX_INPUTS}. HubSpot responds 207 Multi-Status with the
     * records it found when some ids do not exist. With {@code requireAll} a missing record is retryable, because
     * an association pointed to it. Without it, a missing record is left out.
     */
    private <T> List<T> batchRead(String objectType, List<String> propertyNames, List<String> ids,
            boolean requireAll, Function<JsonNode, T> mapper) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String operation = "batch read " + objectType;

        Map<String, JsonNode> byId = new HashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH_READ_MAX_INPUTS) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + BATCH_READ_MAX_INPUTS));
            ObjectNode body = MAPPER.createObjectNode();
            propertyNames.forEach(body.putArray("properties")::add);
            ArrayNode inputs = body.putArray("inputs");
            chunk.forEach(id -> inputs.addObject().put("id", id));

            JsonNode response = json(operation,
                    send(operation, jsonRequest("/crm/v3/objects/" + objectType + "/batch/read", "POST", body)));
            JsonNode results = response.path("results");
            if (!results.isArray()) {
                throw new HubSpotProtocolException("HubSpot " + operation + " response has no results array");
            }
            for (JsonNode result : results) {
                byId.put(HubSpotRecordMapper.id(result), result);
            }
        }

        List<T> records = new ArrayList<>(ids.size());
        for (String id : ids) {
            JsonNode object = byId.get(id);
            if (object == null && !requireAll) {
                continue;
            }
            if (object == null) {
                // The association and the record disagree, most likely because the record is being deleted
                // or merged. A later attempt reads a consistent deal.
                throw new RetryableException("HubSpot " + operation + " did not return associated record " + id
                        + " (" + byId.size() + " of " + ids.size() + " returned)", null);
            }
            records.add(mapper.apply(object));
        }
        return List.copyOf(records);
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        String token = accessToken.get();
        if (token == null || token.isBlank()) {
            throw new ConfigurationException("HubSpot access token is empty: set HUBSPOT_ACCESS_TOKEN in the secret");
        }
        return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private HttpRequest.Builder jsonRequest(String path, String method, JsonNode body) {
        return request(path)
                .header("Content-Type", "application/json")
                .method(method, jsonBody(body));
    }

    private HttpResponse<byte[]> send(String operation, HttpRequest.Builder builder) {
        return send(operation, builder, -1);
    }

    /** Sends the request. A response with status {@code acceptedFailure} is returned instead of thrown. */
    private HttpResponse<byte[]> send(String operation, HttpRequest.Builder builder, int acceptedFailure) {
        rateLimits.beforeRequest(operation);
        HttpResponse<byte[]> response = HttpCalls.send(httpClient, builder.build(), HttpResponse.BodyHandlers.ofByteArray(),
                API, operation);

        if (response.statusCode() == 429) {
            throw rateLimits.rateLimited(operation, response);
        }
        rateLimits.afterResponse(response);
        if ((response.statusCode() < 200 || response.statusCode() > 299) && response.statusCode() != acceptedFailure) {
            throw HttpFailures.classify(API, operation, response);
        }
        return response;
    }

    private static JsonNode json(String operation, HttpResponse<byte[]> response) {
        JsonNode node;
        try {
            node = MAPPER.readTree(response.body());
        } catch (IOException e) {
            // The exception is not kept as the cause because its message quotes the body.
            throw new HubSpotProtocolException(API + " " + operation + " returned HTTP " + response.statusCode()
                    + " with a body that is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new HubSpotProtocolException(API + " " + operation + " returned HTTP " + response.statusCode()
                    + " with a body that is not a JSON object");
        }
        return node;
    }

    private static HttpRequest.BodyPublisher jsonBody(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    private static void requireRecordId(String id) {
        if (id == null || !RECORD_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("HubSpot record id must be a decimal number, got "
                    + (id == null ? "null" : id.length() + " characters"));
        }
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    @Override
    public String toString() {
        return "HubSpotClient[baseUrl=" + baseUrl + ", portalId=" + portalId + "]";
    }

    /** Settings for {@link HubSpotClient}. Every setting except the token and portal id has a default. */
    public static final class Builder {

        private final Supplier<String> accessToken;
        private final String portalId;
        private URI baseUrl = DEFAULT_BASE_URL;
        private URI appUrl = DEFAULT_APP_URL;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private HttpClient httpClient;
        private HubSpotRateLimits rateLimits;

        private Builder(Supplier<String> accessToken, String portalId) {
            this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
            if (portalId == null || !RECORD_ID.matcher(portalId).matches()) {
                throw new IllegalArgumentException("HubSpot portal id must be a decimal number, such as 9999999");
            }
            this.portalId = portalId;
        }

        /** API root, {@code https://api.hubapi.com} unless pointed at a simulator. */
        public Builder baseUrl(URI value) {
            this.baseUrl = Objects.requireNonNull(value, "baseUrl");
            return this;
        }

        /** Web app root for record links, {@code https://app.hubspot.com}. EU portals use app-eu1. */
        public Builder appUrl(URI value) {
            this.appUrl = Objects.requireNonNull(value, "appUrl");
            return this;
        }

        /** TCP connect timeout, ignored when {@link #httpClient(HttpClient)} is set. */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
            return this;
        }

        /** Timeout for each request, after which it fails as retryable. */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = Objects.requireNonNull(value, "requestTimeout");
            return this;
        }

        /** Clock for note timestamps. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Uses a shared HTTP client, built once per Lambda container, in place of a new one. */
        public Builder httpClient(HttpClient value) {
            this.httpClient = Objects.requireNonNull(value, "httpClient");
            return this;
        }

        /** Rate limits to honour. Without them, only the response headers and 429s of this instance are used. */
        public Builder rateLimits(HubSpotRateLimits value) {
            this.rateLimits = Objects.requireNonNull(value, "rateLimits");
            return this;
        }

        public HubSpotClient build() {
            return new HubSpotClient(this);
        }
    }
}
