package dev.handoff.crm.hubspot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.crm.CrmProperties;
import dev.handoff.error.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Creates the deal property group and the deal properties Handoff writes, with the CRM properties API
 * (https://developers.hubspot.com/docs/api/crm/properties). Running it again creates only what is missing: each
 * group and property is read first, and a 409 from a concurrent run counts as already there. Existing properties
 * are never changed, so a portal admin's edits to labels or descriptions are kept.
 */
public final class HubSpotPropertySetup {

    /** Internal name of the property group that contains Handoff's deal properties. */
    public static final String GROUP_NAME = "handoff";

    /** One deal property to create: HubSpot's {@code type} and {@code fieldType} pair decides how it is shown. */
    public record PropertyDefinition(String name, String label, String description, String type, String fieldType) {

        public PropertyDefinition {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(label, "label");
        }
    }

    /** The deal properties Handoff writes, listed in docs/configuration.md. */
    public static final List<PropertyDefinition> DEAL_PROPERTIES = List.of(
            text(CrmProperties.INVOICE_ID, "Invoice ID", "The accounting system's id of the invoice for this deal."),
            text(CrmProperties.INVOICE_NUMBER, "Invoice number", "The invoice number, for example INV-0001."),
            text(CrmProperties.INVOICE_STATUS, "Invoice status",
                    "AUTHORISED, PARTIALLY_PAID, PAID, VOIDED, DRAFT or SUBMITTED, as the accounting system reports it."),
            number(CrmProperties.AMOUNT_DUE, "Amount due", "Amount of the invoice still due."),
            number(CrmProperties.AMOUNT_PAID, "Amount paid", "Amount of the invoice paid."),
            number(CrmProperties.AMOUNT_CREDITED, "Amount credited", "Amount of the invoice settled by credit notes."),
            text(CrmProperties.HANDOFF_STATUS, "Handoff status",
                    "Where the handoff to accounting stands, for example INVOICED, PAID or BLOCKED."),
            new PropertyDefinition(CrmProperties.BLOCKED_REASON, "Handoff blocked reason",
                    "What to fix before the handoff can continue, in plain words.", "string", "textarea"),
            text(CrmProperties.LAST_SYNCED_AT, "Handoff last synced at",
                    "When Handoff last wrote to this deal (UTC, ISO 8601)."));

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GROUPS_PATH = "/crm/v3/properties/deals/groups";
    private static final String PROPERTIES_PATH = "/crm/v3/properties/deals";

    private final HubSpotClient client;

    public HubSpotPropertySetup(HubSpotClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** Result of ensuring one group or property exists. */
    public enum Outcome { CREATED, EXISTED }

    /** One line of the setup report: {@code kind} is {@code group} or {@code property}. */
    public record Step(String kind, String name, Outcome outcome) {
    }

    /** Creates the group and every property that does not exist yet, and reports each one in order. */
    public List<Step> run() {
        List<Step> steps = new ArrayList<>();
        ObjectNode group = MAPPER.createObjectNode();
        group.put("name", GROUP_NAME);
        group.put("label", "Handoff");
        group.put("displayOrder", -1);
        steps.add(new Step("group", GROUP_NAME, ensure("property group", GROUPS_PATH, GROUP_NAME, group)));

        for (PropertyDefinition definition : DEAL_PROPERTIES) {
            ObjectNode property = MAPPER.createObjectNode();
            property.put("name", definition.name());
            property.put("label", definition.label());
            property.put("description", definition.description());
            property.put("groupName", GROUP_NAME);
            property.put("type", definition.type());
            property.put("fieldType", definition.fieldType());
            steps.add(new Step("property", definition.name(), ensure("property", PROPERTIES_PATH, definition.name(), property)));
        }
        return List.copyOf(steps);
    }

    private Outcome ensure(String kind, String collectionPath, String name, ObjectNode body) {
        try {
            client.getJson("read deal " + kind + " " + name, collectionPath + "/" + name);
            return Outcome.EXISTED;
        } catch (NotFoundException missing) {
            // Created below.
        }
        return client.create("create deal " + kind + " " + name, collectionPath, body).isPresent()
                ? Outcome.CREATED
                : Outcome.EXISTED;
    }

    private static PropertyDefinition text(String name, String label, String description) {
        return new PropertyDefinition(name, label, description, "string", "text");
    }

    private static PropertyDefinition number(String name, String label, String description) {
        return new PropertyDefinition(name, label, description, "number", "number");
    }
}
