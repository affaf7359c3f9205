package dev.handoff.simulator.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-memory records of one simulated portal. Every method is synchronized, so HTTP handler threads and test
 * assertions see a consistent state.
 */
final class HubSpotPortalState {

    static final Set<String> OBJECT_TYPES = Set.of("companies", "contacts", "line_items", "products");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Deal(Map<String, String> properties, Map<String, List<String>> associations) {
    }

    private final Map<String, Deal> deals = new LinkedHashMap<>();
    /** Surviving deal id by merged deal id. */
    private final Map<String, String> mergedDeals = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, String>>> objects = new LinkedHashMap<>();
    private final List<HubSpotNote> notes = new ArrayList<>();
    private final List<DealPatch> patches = new ArrayList<>();
    private final Map<String, JsonNode> propertyDefinitions = new LinkedHashMap<>();
    private final Map<String, JsonNode> propertyGroups = new LinkedHashMap<>();

    HubSpotPortalState() {
        for (String type : OBJECT_TYPES) {
            objects.put(type, new LinkedHashMap<>());
        }
    }

    synchronized void seed(JsonNode portal) {
        if (portal == null || !portal.isObject()) {
            throw new IllegalArgumentException("portal fixture must be a JSON object");
        }
        for (JsonNode deal : portal.path("deals")) {
            Map<String, List<String>> associations = new LinkedHashMap<>();
            for (String type : OBJECT_TYPES) {
                List<String> ids = new ArrayList<>();
                deal.path("associations").path(type).forEach(id -> ids.add(id.asText()));
                associations.put(type, ids);
            }
            putDeal(requiredId(deal, "deal"), properties(deal), associations);
        }
        for (String type : OBJECT_TYPES) {
            for (JsonNode object : portal.path(type)) {
                putObject(type, requiredId(object, type), properties(object));
            }
        }
    }

    synchronized void putDeal(String id, Map<String, String> properties, Map<String, List<String>> associations) {
        Map<String, List<String>> copied = new LinkedHashMap<>();
        associations.forEach((type, ids) -> copied.put(requireType(type), List.copyOf(ids)));
        deals.put(id, new Deal(new LinkedHashMap<>(properties), copied));
    }

    synchronized void putObject(String type, String id, Map<String, String> properties) {
        objects.get(requireType(type)).put(id, new LinkedHashMap<>(properties));
    }

    synchronized boolean hasDeal(String id) {
        return deals.containsKey(id);
    }

    synchronized Map<String, String> dealProperties(String id) {
        Deal deal = deals.get(id);
        if (deal == null) {
            throw new IllegalArgumentException("the simulator has no deal " + id);
        }
        return new LinkedHashMap<>(deal.properties());
    }

    synchronized boolean patchDeal(String id, Map<String, String> properties) {
        Deal deal = deals.get(id);
        if (deal == null) {
            return false;
        }
        deal.properties().putAll(properties);
        patches.add(new DealPatch(id, properties));
        return true;
    }

    synchronized void addNote(HubSpotNote note) {
        notes.add(note);
    }

    synchronized boolean deleteDeal(String id) {
        return deals.remove(id) != null;
    }

    synchronized void mergeDeal(String mergedId, String survivingId) {
        if (!deals.containsKey(survivingId)) {
            throw new IllegalArgumentException("surviving deal " + survivingId + " is not in the portal");
        }
        deals.remove(mergedId);
        mergedDeals.put(mergedId, survivingId);
    }

    /** Returns a note as batch read returns it, or null when the id is unknown. */
    synchronized ObjectNode noteJson(String id, List<String> propertyNames) {
        for (HubSpotNote note : notes) {
            if (note.id().equals(id)) {
                Map<String, String> properties = new LinkedHashMap<>();
                properties.put("hs_note_body", note.body());
                properties.put("hs_timestamp", note.timestamp());
                return objectJson(id, properties, propertyNames);
            }
        }
        return null;
    }

    /** Returns the properties created with the properties API, by name, in creation order. */
    synchronized Map<String, JsonNode> dealPropertyDefinitions() {
        return new LinkedHashMap<>(propertyDefinitions);
    }

    synchronized Map<String, JsonNode> dealPropertyGroups() {
        return new LinkedHashMap<>(propertyGroups);
    }

    /** Stores a property definition unless one with its name exists; returns whether it was stored. */
    synchronized boolean createDealProperty(String name, JsonNode definition) {
        return propertyDefinitions.putIfAbsent(name, definition) == null;
    }

    synchronized boolean createDealPropertyGroup(String name, JsonNode definition) {
        return propertyGroups.putIfAbsent(name, definition) == null;
    }

    synchronized List<HubSpotNote> notesFor(String dealId) {
        return notes.stream().filter(note -> note.dealIds().contains(dealId)).toList();
    }

    synchronized List<DealPatch> patchLog() {
        return List.copyOf(patches);
    }

    /**
     * Returns the deal as GET returns it, with only the requested properties and association types. For a merged
     * deal's id it returns the surviving deal, with the surviving deal's id, as HubSpot does.
     */
    synchronized ObjectNode dealJson(String requestedId, List<String> propertyNames, List<String> associationTypes) {
        String id = mergedDeals.getOrDefault(requestedId, requestedId);
        Deal deal = deals.get(id);
        if (deal == null) {
            return null;
        }
        ObjectNode json = objectJson(id, deal.properties(), propertyNames);

        ObjectNode associations = MAPPER.createObjectNode();
        for (String type : associationTypes) {
            List<String> ids = deal.associations().getOrDefault(type, List.of());
            if (ids.isEmpty()) {
                continue;
            }
            ArrayNode results = associations.putObject(type).putArray("results");
            String label = "deal_to_" + singular(type);
            ids.forEach(target -> results.addObject().put("id", target).put("type", label));
        }
        if (!associations.isEmpty()) {
            json.set("associations", associations);
        }
        return json;
    }

    /** Returns a company, contact or line item as batch read returns it, or null when the id is unknown. */
    synchronized ObjectNode objectJson(String type, String id, List<String> propertyNames) {
        Map<String, String> properties = objects.get(requireType(type)).get(id);
        return properties == null ? null : objectJson(id, properties, propertyNames);
    }

    private static ObjectNode objectJson(String id, Map<String, String> properties, List<String> propertyNames) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", id);
        ObjectNode values = json.putObject("properties");
        // HubSpot returns every requested property, as null when it has no value, plus hs_object_id.
        values.put("hs_object_id", id);
        for (String name : propertyNames) {
            values.put(name, properties.get(name));
        }
        json.put("archived", false);
        return json;
    }

    private static Map<String, String> properties(JsonNode record) {
        Map<String, String> properties = new LinkedHashMap<>();
        record.path("properties").fields().forEachRemaining(field ->
                properties.put(field.getKey(), field.getValue().isNull() ? null : field.getValue().asText()));
        return properties;
    }

    private static String requiredId(JsonNode record, String kind) {
        String id = record.path("id").asText("");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a " + kind + " record in the portal fixture has no id");
        }
        return id;
    }

    private static String requireType(String type) {
        if (!OBJECT_TYPES.contains(type)) {
            throw new IllegalArgumentException("unsupported object type " + type + ": use " + OBJECT_TYPES);
        }
        return type;
    }

    private static String singular(String type) {
        return switch (type) {
            case "companies" -> "company";
            case "contacts" -> "contact";
            default -> "line_item";
        };
    }
}
