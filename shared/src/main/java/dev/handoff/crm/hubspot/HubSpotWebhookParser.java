package dev.handoff.crm.hubspot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses the body of a HubSpot webhook delivery, which is a JSON array of event objects even when it carries one
 * event. Unknown fields are ignored. Every problem raises
 * {@link MalformedWebhookException} with a message naming the event (numbered from 1) and the field.
 *
 * <p>Parse only after the signature has been verified over the raw bytes.
 */
public final class HubSpotWebhookParser {

    /** Maximum body size accepted, 1 MiB. Callers should check it before buffering more of the request. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    // NOTE: HubSpot's own pages do not state a batch size. The limit of 100 events per request comes from
    // third-party guides, so a larger delivery is rejected as malformed.
    /** Maximum number of events accepted in one delivery. */
    public static final int MAX_EVENTS = 100;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Parses {@code body} into events, in delivery order. */
    public List<HubSpotWebhookEvent> parse(byte[] body) {
        Objects.requireNonNull(body, "body");
        if (body.length > MAX_BODY_BYTES) {
            throw new MalformedWebhookException(
                    "body is " + body.length + " bytes, more than the " + MAX_BODY_BYTES + " allowed", List.of());
        }

        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            // The parser's message quotes body content, so only its location is kept.
            throw new MalformedWebhookException("body is not valid JSON" + location(e), List.of());
        }
        if (root == null || root.isMissingNode() || !root.isArray()) {
            throw new MalformedWebhookException("body is not a JSON array", List.of());
        }
        if (root.isEmpty()) {
            throw new MalformedWebhookException("body is an empty JSON array: expected at least one event", List.of());
        }
        if (root.size() > MAX_EVENTS) {
            throw new MalformedWebhookException(
                    "body has " + root.size() + " events, more than " + MAX_EVENTS + " allowed", List.of());
        }

        List<HubSpotWebhookEvent> events = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            events.add(toEvent(root.get(i), i + 1));
        }
        return List.copyOf(events);
    }

    private static HubSpotWebhookEvent toEvent(JsonNode node, int position) {
        if (!node.isObject()) {
            throw new MalformedWebhookException("event " + position + " is not a JSON object", List.of());
        }
        String subscriptionType = requiredText(node, "subscriptionType", position);
        // Association-change events name the changed record as fromObjectId and carry no objectId.
        long objectId = subscriptionType.endsWith(".associationChange") && !node.hasNonNull("objectId")
                ? requiredId(node, "fromObjectId", position)
                : requiredId(node, "objectId", position);
        return new HubSpotWebhookEvent(
                requiredId(node, "eventId", position),
                optionalId(node, "subscriptionId", position),
                requiredId(node, "portalId", position),
                optionalId(node, "appId", position),
                requiredLong(node, "occurredAt", position),
                subscriptionType,
                optionalLong(node, "attemptNumber", position),
                objectId,
                optionalText(node, "propertyName", position),
                optionalText(node, "propertyValue", position),
                optionalText(node, "changeSource", position),
                optionalText(node, "sourceId", position),
                optionalText(node, "associationType", position),
                optionalId(node, "toObjectId", position),
                optionalBoolean(node, "associationRemoved", position),
                optionalId(node, "primaryObjectId", position),
                optionalIds(node, "mergedObjectIds", position),
                optionalId(node, "newObjectId", position));
    }

    /**
     * Reads a HubSpot id. HubSpot ids are positive, so 0 or a negative number is rejected here, because such an
     * event can never be handed off and accepting it would only move the failure to a queue consumer.
     */
    private static long requiredId(JsonNode event, String field, int position) {
        long value = requiredLong(event, field, position);
        requirePositive(value, field, position);
        return value;
    }

    private static Long optionalId(JsonNode event, String field, int position) {
        Long value = optionalLong(event, field, position);
        if (value != null) {
            requirePositive(value, field, position);
        }
        return value;
    }

    private static List<Long> optionalIds(JsonNode event, String field, int position) {
        List<Long> ids = optionalLongs(event, field, position);
        for (long id : ids) {
            requirePositive(id, field, position);
        }
        return ids;
    }

    private static void requirePositive(long value, String field, int position) {
        if (value <= 0) {
            throw new MalformedWebhookException("event " + position + " field " + field + " is " + value
                    + ", not a HubSpot id: ids are positive decimal numbers", List.of(field));
        }
    }

    private static long requiredLong(JsonNode event, String field, int position) {
        Long value = optionalLong(event, field, position);
        if (value == null) {
            throw new MalformedWebhookException("event " + position + " has no " + field, List.of(field));
        }
        return value;
    }

    private static Long optionalLong(JsonNode event, String field, int position) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new MalformedWebhookException(
                    "event " + position + " field " + field + " is not a 64-bit integer", List.of(field));
        }
        return value.longValue();
    }

    private static Boolean optionalBoolean(JsonNode event, String field, int position) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new MalformedWebhookException(
                    "event " + position + " field " + field + " is not true or false", List.of(field));
        }
        return value.booleanValue();
    }

    private static List<Long> optionalLongs(JsonNode event, String field, int position) {
        JsonNode values = event.get(field);
        if (values == null || values.isNull()) {
            return List.of();
        }
        if (!values.isArray()) {
            throw new MalformedWebhookException(
                    "event " + position + " field " + field + " is not an array of 64-bit integers", List.of(field));
        }
        List<Long> ids = new ArrayList<>(values.size());
        for (JsonNode value : values) {
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw new MalformedWebhookException(
                        "event " + position + " field " + field + " is not an array of 64-bit integers", List.of(field));
            }
            ids.add(value.longValue());
        }
        return List.copyOf(ids);
    }

    private static String requiredText(JsonNode event, String field, int position) {
        String value = optionalText(event, field, position);
        if (value == null || value.isBlank()) {
            throw new MalformedWebhookException("event " + position + " has no " + field, List.of(field));
        }
        return value;
    }

    // HubSpot sends property values as strings, but a number or boolean is kept in its JSON text form.
    private static String optionalText(JsonNode event, String field, int position) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new MalformedWebhookException(
                    "event " + position + " field " + field + " is not a string", List.of(field));
        }
        return value.asText();
    }

    private static String location(IOException e) {
        if (e instanceof JsonProcessingException processing
                && processing.getLocation() != null) {
            return " at line " + processing.getLocation().getLineNr()
                    + ", column " + processing.getLocation().getColumnNr();
        }
        return "";
    }
}
