package dev.handoff.simulator.xero;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * In-memory state of one simulated Xero organisation: contacts, sales invoices, payments and stored
 * idempotent responses. Records are kept as JSON in Xero's field names. Every public method is synchronized,
 * so one organisation can be used from several server threads.
 */
final class XeroOrganisation {

    private static final BigDecimal HUNDRED = new BigDecimal("100");

    private final String tenantId;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Map<String, BigDecimal> revenueTaxRates;
    private final Map<String, ObjectNode> contacts = new LinkedHashMap<>();
    private final Map<String, ObjectNode> invoices = new LinkedHashMap<>();
    private final Map<String, StoredResponse> idempotentResponses = new HashMap<>();
    private int invoiceSequence;

    /** A response stored under an idempotency key and replayed for every later request with that key. */
    record StoredResponse(int status, String body) {
    }

    XeroOrganisation(String tenantId, ObjectMapper mapper, Clock clock, Map<String, BigDecimal> revenueTaxRates) {
        this.tenantId = tenantId;
        this.mapper = mapper;
        this.clock = clock;
        this.revenueTaxRates = Map.copyOf(revenueTaxRates);
    }

    String tenantId() {
        return tenantId;
    }

    synchronized Optional<StoredResponse> storedResponse(String idempotencyKey) {
        return Optional.ofNullable(idempotentResponses.get(idempotencyKey));
    }

    synchronized void storeResponse(String idempotencyKey, StoredResponse response) {
        idempotentResponses.putIfAbsent(idempotencyKey, response);
    }

    synchronized List<ObjectNode> contacts() {
        return contacts.values().stream().map(ObjectNode::deepCopy).toList();
    }

    synchronized List<ObjectNode> invoices() {
        return invoices.values().stream().map(ObjectNode::deepCopy).toList();
    }

    synchronized List<ObjectNode> findContacts(Predicate<ObjectNode> filter, boolean includeArchived) {
        return contacts.values().stream()
                .filter(contact -> includeArchived || !"ARCHIVED".equals(contact.path("ContactStatus").asText()))
                .filter(filter)
                .map(ObjectNode::deepCopy)
                .toList();
    }

    /** Finds a contact by ContactID first, then by ContactNumber, as GET /Contacts/{id} does. */
    synchronized Optional<ObjectNode> contactByIdOrNumber(String idOrNumber) {
        ObjectNode byId = contacts.get(idOrNumber);
        if (byId != null) {
            return Optional.of(byId.deepCopy());
        }
        return contacts.values().stream()
                .filter(contact -> idOrNumber.equals(contact.path("ContactNumber").asText(null)))
                .findFirst()
                .map(ObjectNode::deepCopy);
    }

    synchronized List<ObjectNode> findInvoices(Predicate<ObjectNode> filter) {
        return invoices.values().stream().filter(filter).map(ObjectNode::deepCopy).toList();
    }

    synchronized Optional<ObjectNode> invoice(String invoiceId) {
        return Optional.ofNullable(invoices.get(invoiceId)).map(ObjectNode::deepCopy);
    }

    /** Creates a contact from a request element, or updates the one named by its ContactID. */
    synchronized ObjectNode saveContact(JsonNode element) {
        String contactId = element.path("ContactID").asText("");
        ObjectNode existing = contactId.isEmpty() ? null : contacts.get(contactId);
        if (!contactId.isEmpty() && existing == null) {
            throw new XeroValidationException(List.of("The contact with ContactID " + contactId + " does not exist."));
        }

        ObjectNode contact = existing == null ? mapper.createObjectNode() : existing.deepCopy();
        element.properties().forEach(field -> contact.set(field.getKey(), field.getValue().deepCopy()));

        String name = contact.path("Name").asText("").trim();
        if (name.isEmpty()) {
            throw new XeroValidationException(List.of("The contact name must be specified."));
        }
        String id = existing == null ? UUID.randomUUID().toString() : contactId;
        boolean nameTaken = contacts.values().stream()
                .filter(other -> !other.path("ContactID").asText().equals(id))
                .filter(other -> "ACTIVE".equals(other.path("ContactStatus").asText()))
                .anyMatch(other -> other.path("Name").asText().trim().equalsIgnoreCase(name));
        if (nameTaken) {
            throw new XeroValidationException(List.of("The contact name " + name + " is already assigned to another "
                    + "contact. The contact name must be unique across all active contacts."));
        }

        contact.put("ContactID", id);
        if (!contact.hasNonNull("ContactStatus")) {
            contact.put("ContactStatus", "ACTIVE");
        }
        contact.put("UpdatedDateUTC", XeroWire.jsonDate(clock.instant()));
        contact.put("HasValidationErrors", false);
        contacts.put(id, contact);
        return contact.deepCopy();
    }

    synchronized ObjectNode createInvoice(JsonNode element) {
        List<String> errors = new ArrayList<>();
        String type = element.path("Type").asText("");
        if (!"ACCREC".equals(type)) {
            errors.add("Invoice Type must be ACCREC in this simulator.");
        }
        String contactId = element.path("Contact").path("ContactID").asText("");
        if (!contacts.containsKey(contactId)) {
            errors.add("The Contact with ContactID " + contactId + " could not be found.");
        }
        LocalDate date = parseDate(element, "Date", errors);
        LocalDate dueDate = parseDate(element, "DueDate", errors);
        String lineAmountTypes = element.path("LineAmountTypes").asText("Exclusive");
        if (!lineAmountTypes.equals("Exclusive") && !lineAmountTypes.equals("Inclusive")) {
            errors.add("LineAmountTypes must be Exclusive or Inclusive in this simulator.");
        }
        JsonNode lines = element.path("LineItems");
        if (!lines.isArray() || lines.isEmpty()) {
            errors.add("At least one line item is required.");
        }
        if (!errors.isEmpty()) {
            throw new XeroValidationException(errors);
        }

        boolean inclusive = lineAmountTypes.equals("Inclusive");
        ArrayNode storedLines = mapper.createArrayNode();
        BigDecimal lineTotal = BigDecimal.ZERO.setScale(2);
        BigDecimal totalTax = BigDecimal.ZERO.setScale(2);
        for (JsonNode line : lines) {
            ObjectNode stored = computeLine(line, inclusive, errors);
            storedLines.add(stored);
            lineTotal = lineTotal.add(stored.path("LineAmount").decimalValue());
            totalTax = totalTax.add(stored.path("TaxAmount").decimalValue());
        }
        if (!errors.isEmpty()) {
            throw new XeroValidationException(errors);
        }
        BigDecimal subTotal = inclusive ? lineTotal.subtract(totalTax) : lineTotal;
        BigDecimal total = subTotal.add(totalTax);

        String invoiceId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        invoiceSequence++;
        ObjectNode invoice = mapper.createObjectNode();
        invoice.put("Type", "ACCREC");
        invoice.put("InvoiceID", invoiceId);
        invoice.put("InvoiceNumber", element.path("InvoiceNumber").asText(String.format(Locale.ROOT, "INV-%04d", invoiceSequence)));
        copyText(element, invoice, "Reference");
        copyText(element, invoice, "Url");
        ObjectNode contact = invoice.putObject("Contact");
        contact.put("ContactID", contactId);
        contact.put("Name", contacts.get(contactId).path("Name").asText());
        invoice.put("Date", XeroWire.jsonDate(date.atStartOfDay().toInstant(ZoneOffset.UTC)));
        invoice.put("DateString", date + "T00:00:00");
        invoice.put("DueDate", XeroWire.jsonDate(dueDate.atStartOfDay().toInstant(ZoneOffset.UTC)));
        invoice.put("DueDateString", dueDate + "T00:00:00");
        invoice.put("Status", element.path("Status").asText("DRAFT"));
        invoice.put("LineAmountTypes", lineAmountTypes);
        invoice.put("CurrencyCode", element.path("CurrencyCode").asText("ZAR"));
        invoice.set("LineItems", storedLines);
        invoice.put("SubTotal", subTotal);
        invoice.put("TotalTax", totalTax);
        invoice.put("Total", total);
        invoice.put("AmountDue", total);
        invoice.put("AmountPaid", BigDecimal.ZERO.setScale(2));
        invoice.put("AmountCredited", BigDecimal.ZERO.setScale(2));
        invoice.putArray("Payments");
        invoice.putArray("CreditNotes");
        invoice.put("UpdatedDateUTC", XeroWire.jsonDate(now));
        invoice.put("HasErrors", false);
        invoices.put(invoiceId, invoice);
        return invoice.deepCopy();
    }

    /** Applies a payment to an AUTHORISED invoice and returns the payment in Xero's shape. */
    /** Voids an invoice without payments, as POST /Invoices/{id} with {@code Status: VOIDED} does. */
    synchronized ObjectNode voidInvoice(String invoiceId) {
        ObjectNode invoice = invoices.get(invoiceId);
        if (invoice == null) {
            throw new XeroValidationException(List.of("Invoice could not be found"));
        }
        if (invoice.path("AmountPaid").decimalValue().signum() > 0) {
            throw new XeroValidationException(List.of("This document cannot be edited as it has a payment or credit note allocated to it."));
        }
        invoice.put("Status", "VOIDED");
        invoice.put("AmountDue", BigDecimal.ZERO.setScale(2));
        invoice.put("UpdatedDateUTC", XeroWire.jsonDate(clock.instant()));
        return invoice.deepCopy();
    }

    synchronized ObjectNode applyPayment(String invoiceId, String accountCode, LocalDate date, BigDecimal amount) {
        ObjectNode invoice = invoices.get(invoiceId);
        if (invoice == null) {
            throw new XeroValidationException(List.of("Invoice could not be found"));
        }
        if (!"AUTHORISED".equals(invoice.path("Status").asText())) {
            throw new XeroValidationException(List.of("Payment can only be made against Authorised documents"));
        }
        if (amount == null || amount.signum() <= 0) {
            throw new XeroValidationException(List.of("Payment amount must be greater than zero"));
        }
        BigDecimal due = invoice.path("AmountDue").decimalValue();
        if (amount.compareTo(due) > 0) {
            throw new XeroValidationException(List.of("Payment amount exceeds the amount outstanding on this document"));
        }

        BigDecimal paid = amount.setScale(2, RoundingMode.HALF_UP);
        BigDecimal newDue = due.subtract(paid);
        Instant now = clock.instant();
        ObjectNode payment = mapper.createObjectNode();
        payment.put("PaymentID", UUID.randomUUID().toString());
        payment.put("Date", XeroWire.jsonDate(date.atStartOfDay().toInstant(ZoneOffset.UTC)));
        payment.put("Amount", paid);
        payment.put("PaymentType", "ACCRECPAYMENT");
        payment.put("Status", "AUTHORISED");
        payment.putObject("Account").put("Code", accountCode);
        ObjectNode paymentInvoice = payment.putObject("Invoice");
        paymentInvoice.put("InvoiceID", invoiceId);
        paymentInvoice.put("InvoiceNumber", invoice.path("InvoiceNumber").asText());

        invoice.put("AmountPaid", invoice.path("AmountPaid").decimalValue().add(paid));
        invoice.put("AmountDue", newDue);
        ((ArrayNode) invoice.get("Payments")).add(payment.deepCopy());
        if (newDue.signum() == 0) {
            invoice.put("Status", "PAID");
            invoice.put("FullyPaidOnDate", XeroWire.jsonDate(date.atStartOfDay().toInstant(ZoneOffset.UTC)));
        }
        invoice.put("UpdatedDateUTC", XeroWire.jsonDate(now));
        return payment;
    }

    /**
     * Allocates a new ACCRECCREDIT credit note of {@code amount} to the invoice, as creating a credit note and
     * PUT /CreditNotes/{id}/Allocations do: AmountCredited rises, AmountDue falls, and the invoice becomes PAID
     * when nothing is due.
     */
    synchronized ObjectNode allocateCreditNote(String invoiceId, LocalDate date, BigDecimal amount) {
        ObjectNode invoice = invoices.get(invoiceId);
        if (invoice == null) {
            throw new XeroValidationException(List.of("Invoice could not be found"));
        }
        if (!"AUTHORISED".equals(invoice.path("Status").asText())) {
            throw new XeroValidationException(List.of("Credit notes can only be allocated to Authorised documents"));
        }
        BigDecimal due = invoice.path("AmountDue").decimalValue();
        if (amount == null || amount.signum() <= 0 || amount.compareTo(due) > 0) {
            throw new XeroValidationException(List.of("The amount allocated must be above zero and at most the amount outstanding"));
        }

        BigDecimal credited = amount.setScale(2, RoundingMode.HALF_UP);
        BigDecimal newDue = due.subtract(credited);
        ObjectNode creditNote = mapper.createObjectNode();
        creditNote.put("CreditNoteID", UUID.randomUUID().toString());
        creditNote.put("CreditNoteNumber", "CN-%04d".formatted(invoice.path("CreditNotes").size() + 1));
        creditNote.put("Type", "ACCRECCREDIT");
        creditNote.put("Date", XeroWire.jsonDate(date.atStartOfDay().toInstant(ZoneOffset.UTC)));
        creditNote.put("Total", credited);
        creditNote.put("AppliedAmount", credited);

        invoice.put("AmountCredited", invoice.path("AmountCredited").decimalValue().add(credited));
        invoice.put("AmountDue", newDue);
        ((ArrayNode) invoice.get("CreditNotes")).add(creditNote.deepCopy());
        if (newDue.signum() == 0) {
            invoice.put("Status", "PAID");
        }
        invoice.put("UpdatedDateUTC", XeroWire.jsonDate(clock.instant()));
        return creditNote;
    }

    private ObjectNode computeLine(JsonNode line, boolean inclusive, List<String> errors) {
        ObjectNode stored = line.deepCopy();
        String taxType = line.path("TaxType").asText("");
        BigDecimal rate = revenueTaxRates.get(taxType);
        if (rate == null) {
            errors.add("The TaxType code '" + taxType + "' does not exist or cannot be used with this type of transaction.");
            rate = BigDecimal.ZERO;
        }
        if (line.path("AccountCode").asText("").isBlank()) {
            errors.add("Account code must be specified.");
        }
        BigDecimal quantity = decimal(line, "Quantity", BigDecimal.ONE);
        BigDecimal unitAmount = decimal(line, "UnitAmount", BigDecimal.ZERO);
        BigDecimal discountRate = decimal(line, "DiscountRate", BigDecimal.ZERO);

        BigDecimal discountFactor = BigDecimal.ONE.subtract(discountRate.divide(HUNDRED));
        BigDecimal lineAmount = quantity.multiply(unitAmount).multiply(discountFactor).setScale(2, RoundingMode.HALF_UP);
        // Tax is rounded per line, half-up to cents, and then summed.
        BigDecimal tax = inclusive
                ? lineAmount.multiply(rate).divide(HUNDRED.add(rate), 2, RoundingMode.HALF_UP)
                : lineAmount.multiply(rate).divide(HUNDRED, 2, RoundingMode.HALF_UP);

        stored.put("LineItemID", UUID.randomUUID().toString());
        stored.put("LineAmount", lineAmount);
        stored.put("TaxAmount", tax);
        return stored;
    }

    private static LocalDate parseDate(JsonNode element, String field, List<String> errors) {
        String value = element.path(field).asText("");
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(field + " must be a date in the form YYYY-MM-DD in this simulator.");
            return LocalDate.EPOCH;
        }
    }

    private static BigDecimal decimal(JsonNode node, String field, BigDecimal fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        return value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText());
    }

    private static void copyText(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.put(field, from.get(field).asText());
        }
    }
}
