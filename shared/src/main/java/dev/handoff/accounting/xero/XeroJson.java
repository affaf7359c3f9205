package dev.handoff.accounting.xero;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.accounting.InvoiceLine;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.domain.Address;
import dev.handoff.domain.PriceBasis;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds Xero Accounting API request bodies and reads its responses. Amounts are read as {@link BigDecimal}
 * and written as plain decimals, never in exponent form.
 */
final class XeroJson {

    static final String ZERO_GUID = "00000000-0000-0000-0000-000000000000";
    /** Xero's address type for the postal address, which Xero prints on invoices. */
    static final String BILLING_ADDRESS_TYPE = "POBOX";

    private final ObjectMapper mapper;

    XeroJson() {
        this.mapper = new ObjectMapper()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    }

    JsonNode read(String body) {
        try {
            return mapper.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Failed to serialise a Xero request body", e);
        }
    }

    String contactCreateBody(ContactRequest request) {
        ObjectNode contact = mapper.createObjectNode();
        putIfPresent(contact, "ContactNumber", request.contactNumber());
        putContactFields(contact, request);
        return wrap("Contacts", contact);
    }

    /**
     * Builds an update body with the ContactID and only the non-null fields of {@code changes}. The contact
     * number is left out, because {@link #contactNumberUpdateBody} writes it.
     */
    String contactUpdateBody(String contactId, ContactRequest changes) {
        ObjectNode contact = mapper.createObjectNode();
        contact.put("ContactID", contactId);
        putContactFields(contact, changes);
        return wrap("Contacts", contact);
    }

    private static void putContactFields(ObjectNode contact, ContactRequest request) {
        putIfPresent(contact, "Name", request.name());
        putIfPresent(contact, "TaxNumber", request.taxNumber());
        putIfPresent(contact, "CompanyNumber", request.companyNumber());
        putIfPresent(contact, "EmailAddress", request.emailAddress());

        Address address = request.billingAddress();
        if (address != null) {
            ObjectNode xeroAddress = contact.putArray("Addresses").addObject();
            xeroAddress.put("AddressType", BILLING_ADDRESS_TYPE);
            putIfPresent(xeroAddress, "AddressLine1", address.line1());
            putIfPresent(xeroAddress, "AddressLine2", address.line2());
            putIfPresent(xeroAddress, "City", address.city());
            putIfPresent(xeroAddress, "Region", address.region());
            putIfPresent(xeroAddress, "PostalCode", address.postalCode());
            putIfPresent(xeroAddress, "Country", address.country());
        }
    }

    String contactNumberUpdateBody(String contactId, String contactNumber) {
        ObjectNode contact = mapper.createObjectNode();
        contact.put("ContactID", contactId);
        contact.put("ContactNumber", contactNumber);
        return wrap("Contacts", contact);
    }

    /** Builds the create body, where {@code taxTypes} maps each line's category to the organisation's tax type. */
    String invoiceCreateBody(InvoiceRequest request, Function<InvoiceLine, String> taxTypes) {
        ObjectNode invoice = mapper.createObjectNode();
        invoice.put("Type", "ACCREC");
        invoice.putObject("Contact").put("ContactID", request.contactId());
        invoice.put("Date", request.date().toString());
        invoice.put("DueDate", request.dueDate().toString());
        invoice.put("LineAmountTypes", request.priceBasis() == PriceBasis.INCLUSIVE ? "Inclusive" : "Exclusive");
        putIfPresent(invoice, "Status", request.status());
        putIfPresent(invoice, "Reference", request.reference());
        putIfPresent(invoice, "Url", request.url());
        putIfPresent(invoice, "CurrencyCode", request.currencyCode());

        ArrayNode lines = invoice.putArray("LineItems");
        for (InvoiceLine line : request.lines()) {
            ObjectNode item = lines.addObject();
            putIfPresent(item, "Description", line.description());
            item.put("Quantity", line.quantity());
            item.put("UnitAmount", line.unitAmount());
            if (line.discountRate() != null && line.discountRate().signum() != 0) {
                item.put("DiscountRate", line.discountRate());
            }
            putIfPresent(item, "AccountCode", line.accountCode());
            item.put("TaxType", taxTypes.apply(line));
        }
        return wrap("Invoices", invoice);
    }

    List<AccountingContact> contacts(JsonNode root) {
        List<AccountingContact> contacts = new ArrayList<>();
        for (JsonNode node : elements(root, "Contacts")) {
            contacts.add(contact(node));
        }
        return contacts;
    }

    AccountingContact contact(JsonNode node) {
        return new AccountingContact(
                text(node, "ContactID"),
                text(node, "ContactNumber"),
                text(node, "Name"),
                text(node, "TaxNumber"),
                text(node, "CompanyNumber"),
                text(node, "EmailAddress"),
                text(node, "ContactStatus"),
                mergedTo(node),
                billingAddress(node));
    }

    /** Returns the contact's POBOX address, or null when the element lists none. */
    private static Address billingAddress(JsonNode node) {
        for (JsonNode address : node.path("Addresses")) {
            if (BILLING_ADDRESS_TYPE.equals(address.path("AddressType").asText())) {
                return new Address(text(address, "AddressLine1"), text(address, "AddressLine2"), text(address, "City"),
                        text(address, "Region"), text(address, "PostalCode"), text(address, "Country"));
            }
        }
        return null;
    }

    /**
     * Returns MergedToContactID, which Xero sets on a contact merged into another, or null when it is empty or
     * zero, which means the contact was not merged.
     */
    private static String mergedTo(JsonNode node) {
        String merged = text(node, "MergedToContactID");
        return merged == null || merged.isBlank() || ZERO_GUID.equals(merged) ? null : merged;
    }

    List<AccountingInvoice> invoices(JsonNode root) {
        List<AccountingInvoice> invoices = new ArrayList<>();
        for (JsonNode node : elements(root, "Invoices")) {
            invoices.add(invoice(node));
        }
        return invoices;
    }

    AccountingInvoice invoice(JsonNode node) {
        return new AccountingInvoice(
                text(node, "InvoiceID"),
                text(node, "InvoiceNumber"),
                text(node, "Reference"),
                text(node, "Status"),
                text(node, "CurrencyCode"),
                money(node, "SubTotal"),
                money(node, "TotalTax"),
                money(node, "Total"),
                money(node, "AmountDue"),
                money(node, "AmountPaid"),
                money(node, "AmountCredited"),
                XeroDates.parse(text(node, "UpdatedDateUTC")));
    }

    List<XeroTaxRate> taxRates(JsonNode root) {
        List<XeroTaxRate> rates = new ArrayList<>();
        for (JsonNode node : elements(root, "TaxRates")) {
            JsonNode rate = node.get("EffectiveRate");
            rates.add(new XeroTaxRate(
                    text(node, "TaxType"),
                    text(node, "Name"),
                    text(node, "Status"),
                    rate == null || !rate.isNumber() ? null : rate.decimalValue(),
                    node.path("CanApplyToRevenue").asBoolean(false)));
        }
        return rates;
    }

    /**
     * Returns the validation messages of one response element: any {@code ValidationErrors} entry, or a
     * placeholder message when Xero flags {@code HasValidationErrors} or returns the all-zero id without saying
     * why. An empty list means the element was saved.
     */
    static List<String> validationMessages(JsonNode element, String idField) {
        List<String> messages = new ArrayList<>();
        for (JsonNode error : element.path("ValidationErrors")) {
            String message = error.path("Message").asText("");
            messages.add(message.isBlank() ? "validation error without a message" : message);
        }
        boolean flagged = element.path("HasValidationErrors").asBoolean(false);
        boolean zeroId = ZERO_GUID.equals(element.path(idField).asText(""));
        if (messages.isEmpty() && (flagged || zeroId)) {
            messages.add("Xero did not save the record and gave no validation message");
        }
        return messages;
    }

    /** Returns the messages of a 400 ValidationException body, or an empty list for any other body. */
    static List<String> validationExceptionMessages(JsonNode root) {
        if (root == null || !root.isObject()) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        for (JsonNode element : root.path("Elements")) {
            for (JsonNode error : element.path("ValidationErrors")) {
                String message = error.path("Message").asText("");
                if (!message.isBlank()) {
                    messages.add(message);
                }
            }
        }
        if (messages.isEmpty() && "ValidationException".equals(root.path("Type").asText())) {
            messages.add(root.path("Message").asText("A validation exception occurred"));
        }
        return messages;
    }

    static Iterable<JsonNode> elements(JsonNode root, String collection) {
        if (root == null) {
            return List.of();
        }
        JsonNode array = root.path(collection);
        return array.isArray() ? array : List.of();
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static BigDecimal money(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        BigDecimal amount = value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText());
        return amount.setScale(2, RoundingMode.HALF_UP);
    }

    private String wrap(String collection, ObjectNode element) {
        ObjectNode root = mapper.createObjectNode();
        root.putArray(collection).add(element);
        return write(root);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }
}
