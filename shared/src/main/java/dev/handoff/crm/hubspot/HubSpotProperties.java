package dev.handoff.crm.hubspot;

import java.util.List;

/**
 * HubSpot property names that Handoff reads and writes, in one place so the setup guide can list them.
 * Names starting with {@code handoff_} are custom properties that the portal admin creates. The rest are
 * HubSpot defaults. See https://developers.hubspot.com/docs/api/crm/deals and the notes guide at
 * https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide .
 */
public final class HubSpotProperties {

    public static final String DEAL_NAME = "dealname";
    public static final String DEAL_STAGE = "dealstage";
    public static final String DEAL_PIPELINE = "pipeline";
    /** Read as an ISO-8601 instant, a date or epoch milliseconds, because integrations have seen all three. */
    public static final String DEAL_CLOSE_DATE = "closedate";
    public static final String DEAL_AMOUNT = "amount";
    public static final String DEAL_CURRENCY = "deal_currency_code";

    public static final List<String> DEAL = List.of(
            DEAL_NAME, DEAL_STAGE, DEAL_PIPELINE, DEAL_CLOSE_DATE, DEAL_AMOUNT, DEAL_CURRENCY);

    public static final String COMPANY_NAME = "name";
    /** Custom. The registered legal name for the invoice. When empty, {@link #COMPANY_NAME} is used. */
    public static final String COMPANY_LEGAL_NAME = "handoff_legal_name";
    /** Custom. South African VAT number, ten digits starting with 4. */
    public static final String COMPANY_VAT_NUMBER = "handoff_vat_number";
    /** Custom. CIPC registration number, for example 2019/123456/07. */
    public static final String COMPANY_REGISTRATION_NUMBER = "handoff_registration_number";
    /** Custom. Where invoices are sent. */
    public static final String COMPANY_BILLING_EMAIL = "handoff_billing_email";
    public static final String COMPANY_ADDRESS = "address";
    public static final String COMPANY_ADDRESS2 = "address2";
    public static final String COMPANY_CITY = "city";
    public static final String COMPANY_STATE = "state";
    public static final String COMPANY_ZIP = "zip";
    public static final String COMPANY_COUNTRY = "country";

    public static final List<String> COMPANY = List.of(
            COMPANY_NAME, COMPANY_LEGAL_NAME, COMPANY_VAT_NUMBER, COMPANY_REGISTRATION_NUMBER, COMPANY_BILLING_EMAIL,
            COMPANY_ADDRESS, COMPANY_ADDRESS2, COMPANY_CITY, COMPANY_STATE, COMPANY_ZIP, COMPANY_COUNTRY);

    public static final String CONTACT_FIRST_NAME = "firstname";
    public static final String CONTACT_LAST_NAME = "lastname";
    public static final String CONTACT_EMAIL = "email";

    public static final List<String> CONTACT = List.of(CONTACT_FIRST_NAME, CONTACT_LAST_NAME, CONTACT_EMAIL);

    public static final String LINE_ITEM_NAME = "name";
    public static final String LINE_ITEM_DESCRIPTION = "description";
    public static final String LINE_ITEM_QUANTITY = "quantity";
    /** Unit price in the deal currency. */
    public static final String LINE_ITEM_PRICE = "price";
    public static final String LINE_ITEM_DISCOUNT_PERCENTAGE = "hs_discount_percentage";
    public static final String LINE_ITEM_PRODUCT_ID = "hs_product_id";
    /** Custom. One of standard, zero_rated, zero_rated_export or exempt. Empty means the configured default. */
    public static final String LINE_ITEM_TAX_CATEGORY = "handoff_tax_category";

    public static final List<String> LINE_ITEM = List.of(
            LINE_ITEM_NAME, LINE_ITEM_DESCRIPTION, LINE_ITEM_QUANTITY, LINE_ITEM_PRICE, LINE_ITEM_DISCOUNT_PERCENTAGE,
            LINE_ITEM_PRODUCT_ID, LINE_ITEM_TAX_CATEGORY);

    /** Catalogue unit price of a product, in the portal's currency. */
    public static final String PRODUCT_PRICE = "price";

    public static final String NOTE_BODY = "hs_note_body";
    /** Required on create. Places the note on the record timeline. */
    public static final String NOTE_TIMESTAMP = "hs_timestamp";

    /** HubSpot-defined association type id for note to deal. */
    public static final int NOTE_TO_DEAL_ASSOCIATION_TYPE_ID = 214;

    /** Object type names as used in CRM v3 paths and in the {@code associations} query parameter. */
    public static final String COMPANIES = "companies";
    public static final String CONTACTS = "contacts";
    public static final String LINE_ITEMS = "line_items";

    private HubSpotProperties() {
    }
}
