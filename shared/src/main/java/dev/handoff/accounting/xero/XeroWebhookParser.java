package dev.handoff.accounting.xero;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses a verified Xero webhook body into {@link XeroWebhookPayload}. Verify the signature on the raw bytes
 * first: this parser is only for reading, never for rebuilding the body. Unknown fields are ignored, and
 * missing or mistyped required fields raise {@link MalformedWebhookException}.
 */
public final class XeroWebhookParser {

    private final ObjectMapper mapper;

    public XeroWebhookParser() {
        this(new ObjectMapper());
    }

    public XeroWebhookParser(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    public XeroWebhookPayload parse(byte[] rawBody) {
        if (rawBody == null || rawBody.length == 0) {
            throw new MalformedWebhookException("Xero webhook body is empty");
        }

        JsonNode root;
        try {
            root = mapper.readTree(rawBody);
        } catch (JsonProcessingException e) {
            // The Jackson message quotes part of the body, so only the position is kept.
            String position = e.getLocation() == null
                    ? "an unknown position"
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new MalformedWebhookException("Xero webhook body is not valid JSON at " + position);
        } catch (IOException e) {
            throw new MalformedWebhookException("Xero webhook body could not be read", e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedWebhookException("Xero webhook body is not a JSON object");
        }

        JsonNode eventsNode = root.get("events");
        if (eventsNode == null || !eventsNode.isArray()) {
            throw new MalformedWebhookException("Xero webhook body has no 'events' array");
        }
        List<XeroWebhookEvent> events = new ArrayList<>(eventsNode.size());
        for (int i = 0; i < eventsNode.size(); i++) {
            events.add(parseEvent(eventsNode.get(i), i));
        }

        return new XeroWebhookPayload(
                events,
                requiredLong(root, "firstEventSequence"),
                requiredLong(root, "lastEventSequence"),
                optionalText(root, "entropy"));
    }

    private static XeroWebhookEvent parseEvent(JsonNode node, int index) {
        String where = "events[" + index + "]";
        if (node == null || !node.isObject()) {
            throw new MalformedWebhookException("Xero webhook " + where + " is not a JSON object");
        }
        return new XeroWebhookEvent(
                requiredText(node, "resourceUrl", where),
                requiredText(node, "resourceId", where),
                parseEventDate(requiredText(node, "eventDateUtc", where), where),
                requiredText(node, "eventType", where),
                requiredText(node, "eventCategory", where),
                requiredText(node, "tenantId", where),
                requiredText(node, "tenantType", where));
    }

    /** Reads {@code eventDateUtc}, which Xero sends without an offset, for example {@code 2026-02-27T21:55:10.000}. */
    static Instant parseEventDate(String value, String where) {
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException withoutOffset) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException withOffset) {
                throw new MalformedWebhookException(
                        "Xero webhook " + where + ".eventDateUtc is not an ISO-8601 date-time");
            }
        }
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new MalformedWebhookException("Xero webhook " + where + " is missing '" + field + "'");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new MalformedWebhookException("Xero webhook " + where + "." + field + " must be a non-blank string");
        }
        return value.asText();
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new MalformedWebhookException("Xero webhook body is missing '" + field + "'");
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new MalformedWebhookException("Xero webhook " + field + " must be an integer");
        }
        return value.asLong();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
