package dev.handoff.crm.hubspot;

import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_ADDRESS;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_ADDRESS2;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_BILLING_EMAIL;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_CITY;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_COUNTRY;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_LEGAL_NAME;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_NAME;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_REGISTRATION_NUMBER;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_STATE;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_VAT_NUMBER;
import static dev.handoff.crm.hubspot.HubSpotProperties.COMPANY_ZIP;
import static dev.handoff.crm.hubspot.HubSpotProperties.CONTACT_EMAIL;
import static dev.handoff.crm.hubspot.HubSpotProperties.CONTACT_FIRST_NAME;
import static dev.handoff.crm.hubspot.HubSpotProperties.CONTACT_LAST_NAME;
import static dev.handoff.crm.hubspot.HubSpotProperties.LINE_ITEM_DESCRIPTION;
import static dev.handoff.crm.hubspot.HubSpotProperties.LINE_ITEM_DISCOUNT_PERCENTAGE;
import static dev.handoff.crm.hubspot.HubSpotProperties.LINE_ITEM_NAME;
import static dev.handoff.crm.hubspot.HubSpotProperties.LINE_ITEM_PRICE;
import static dev.handoff.crm.hubspot.HubSpotProperties.LINE_ITEM_PRODUCT_ID;
import static dev.handoff.crm.hubspot.HubSpotProperties.LINE_ITEM_QUANTITY;
import static dev.handoff.crm.hubspot.HubSpotProperties.LINE_ITEM_TAX_CATEGORY;

import com.fasterxml.jackson.databind.JsonNode;
import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmContact;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.domain.Address;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.DataException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Maps CRM v3 object JSON ({@code {"id":"…","properties":{…},"associations":{…}}}) to Handoff's CRM records.
 * HubSpot returns every property value as a string, or null when the property is empty.
 */
final class HubSpotRecordMapper {

    private HubSpotRecordMapper() {
    }

    static CrmCompany company(JsonNode object) {
        JsonNode properties = object.path("properties");
        String name = text(properties, COMPANY_NAME);
        String legalName = text(properties, COMPANY_LEGAL_NAME);
        Address address = new Address(
                text(properties, COMPANY_ADDRESS),
                text(properties, COMPANY_ADDRESS2),
                text(properties, COMPANY_CITY),
                text(properties, COMPANY_STATE),
                text(properties, COMPANY_ZIP),
                text(properties, COMPANY_COUNTRY));
        return new CrmCompany(
                id(object),
                name,
                legalName != null ? legalName : name,
                text(properties, COMPANY_VAT_NUMBER),
                text(properties, COMPANY_REGISTRATION_NUMBER),
                text(properties, COMPANY_BILLING_EMAIL),
                address);
    }

    static CrmContact contact(JsonNode object) {
        JsonNode properties = object.path("properties");
        return new CrmContact(
                id(object),
                text(properties, CONTACT_FIRST_NAME),
                text(properties, CONTACT_LAST_NAME),
                text(properties, CONTACT_EMAIL));
    }

    static CrmLineItem lineItem(JsonNode object) {
        String id = id(object);
        JsonNode properties = object.path("properties");
        return new CrmLineItem(
                id,
                text(properties, LINE_ITEM_NAME),
                text(properties, LINE_ITEM_DESCRIPTION),
                decimal(properties, LINE_ITEM_QUANTITY, "line item " + id),
                decimal(properties, LINE_ITEM_PRICE, "line item " + id),
                decimal(properties, LINE_ITEM_DISCOUNT_PERCENTAGE, "line item " + id),
                text(properties, LINE_ITEM_PRODUCT_ID),
                taxCategory(properties, id));
    }

    /**
     * Returns the distinct ids associated under {@code objectType}, in response order. HubSpot can list one
     * record twice, once per association label (for example {@code deal_to_company} and
     * {@code deal_to_company_unlabeled}).
     */
    static List<String> associatedIds(JsonNode deal, String objectType) {
        JsonNode associations = deal.path("associations");
        JsonNode group = associations.path(objectType);
        // NOTE: some client libraries model the line item key as "line items", so both spellings are read.
        if (group.isMissingNode() && objectType.contains("_")) {
            group = associations.path(objectType.replace('_', ' '));
        }
        if (group.isMissingNode() || group.isNull()) {
            return List.of();
        }
        if (group.path("paging").path("next").isObject()) {
            throw new DataException("HubSpot deal " + id(deal) + " has more associated " + objectType
                    + " than one response returns, which Handoff does not page through: split the deal",
                    List.of(objectType));
        }

        JsonNode results = group.path("results");
        if (!results.isArray()) {
            throw new HubSpotProtocolException("HubSpot deal " + id(deal) + " associations." + objectType
                    + " has no results array");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode result : results) {
            ids.add(id(result));
        }
        return new ArrayList<>(ids);
    }

    /** Parses {@code closedate}, which HubSpot returns as an ISO-8601 instant, a date, or epoch milliseconds. */
    static Instant instant(JsonNode properties, String property, String owner) {
        String value = text(properties, property);
        if (value == null) {
            return null;
        }
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw invalid(owner, property, "epoch milliseconds out of range", e);
            }
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw invalid(owner, property, "not an ISO-8601 date or instant, nor epoch milliseconds", e);
            }
        }
    }

    static BigDecimal decimal(JsonNode properties, String property, String owner) {
        String value = text(properties, property);
        if (value == null) {
            return null;
        }
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(owner, property, "not a decimal number", e);
        }
    }

    /** Returns the property as text, or null when it is absent, null or blank. */
    static String text(JsonNode properties, String property) {
        JsonNode value = properties.path(property);
        if (value.isMissingNode() || value.isNull() || !value.isValueNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    static String id(JsonNode object) {
        JsonNode id = object.path("id");
        if (!id.isValueNode() || id.asText().isBlank()) {
            throw new HubSpotProtocolException("HubSpot returned an object without an id");
        }
        return id.asText();
    }

    private static TaxCategory taxCategory(JsonNode properties, String lineItemId) {
        String value = text(properties, LINE_ITEM_TAX_CATEGORY);
        if (value == null) {
            return null;
        }
        // An unrecognised value must not silently fall back to the default VAT treatment.
        return TaxCategory.parse(value).orElseThrow(() -> new DataException("HubSpot line item " + lineItemId
                + " has an invalid " + LINE_ITEM_TAX_CATEGORY
                + ": use standard, zero_rated, zero_rated_export or exempt", List.of(LINE_ITEM_TAX_CATEGORY)));
    }

    private static DataException invalid(String owner, String property, String problem, Exception cause) {
        return new DataException("HubSpot " + owner + " property " + property + " is invalid: " + problem,
                List.of(property), cause);
    }
}
