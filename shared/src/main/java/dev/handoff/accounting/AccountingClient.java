package dev.handoff.accounting;

import dev.handoff.domain.TaxCategory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port to the accounting system for one organisation (a Xero tenant). Implementations speak the vendor's
 * HTTP API and throw the exceptions in {@code dev.handoff.error}. Any element the vendor rejects with
 * validation errors is a {@code DataException}, never a success.
 */
public interface AccountingClient {

    /** Finds the contact whose contact number equals the CRM company id. */
    Optional<AccountingContact> findContactByNumber(String contactNumber);

    /** Finds contacts, archived included, whose tax (VAT) number equals the given one. */
    List<AccountingContact> findContactsByTaxNumber(String taxNumber);

    /** Finds contacts, archived included, whose company registration number equals the given one. */
    List<AccountingContact> findContactsByCompanyNumber(String companyNumber);

    /**
     * Finds contacts, archived included, whose contact number, tax (VAT) number or company registration number
     * equals the given one, listing each contact once. {@code taxNumber} and {@code companyNumber} may be null,
     * and are then not looked up. The caller decides which identifier counts first. This default makes one
     * lookup per identifier, and an implementation whose API can combine them overrides it.
     */
    default List<AccountingContact> findContactsByIdentifiers(String contactNumber, String taxNumber, String companyNumber) {
        Map<String, AccountingContact> found = new LinkedHashMap<>();
        findContactByNumber(contactNumber).ifPresent(contact -> found.putIfAbsent(contact.contactId(), contact));
        if (taxNumber != null) {
            findContactsByTaxNumber(taxNumber).forEach(contact -> found.putIfAbsent(contact.contactId(), contact));
        }
        if (companyNumber != null) {
            findContactsByCompanyNumber(companyNumber).forEach(contact -> found.putIfAbsent(contact.contactId(), contact));
        }
        return List.copyOf(found.values());
    }

    /** Finds contacts, archived included, whose name matches the search term. */
    List<AccountingContact> findContactsByName(String name);

    /** Finds contacts, archived included, whose e-mail address equals the given one, ignoring case. */
    List<AccountingContact> findContactsByEmail(String emailAddress);

    /** Reads a contact by its id, archived and merged ones included, or returns empty if it does not exist. */
    Optional<AccountingContact> findContact(String contactId);

    AccountingContact createContact(ContactRequest request);

    /**
     * Sets the contact number on an existing contact, writing no other field, so fields the accounting system
     * owns (payment terms, account codes, the name finance chose) keep their values.
     */
    AccountingContact setContactNumber(String contactId, String contactNumber);

    /**
     * Updates an existing contact with the non-null fields of {@code changes} and writes no other field, so
     * fields the accounting system owns (balances, payment terms, account codes, status) keep their values.
     * {@code changes.contactNumber()} is ignored, because {@link #setContactNumber} writes that field.
     */
    AccountingContact updateContact(String contactId, ContactRequest changes);

    /** Creates the invoice; {@code idempotencyKey} is sent as the vendor's idempotency key and must not be blank. */
    AccountingInvoice createInvoice(InvoiceRequest request, String idempotencyKey);

    /** Finds invoices whose reference equals the given one exactly. */
    List<AccountingInvoice> findInvoicesByReference(String reference);

    AccountingInvoice getInvoice(String invoiceId);

    /**
     * Returns the customer's outstanding and overdue receivables and its credit limit, for the credit review
     * rules. The default reports a clear account, for accounting systems that expose no balances.
     */
    default CreditStanding creditStanding(String contactId) {
        return CreditStanding.clear();
    }

    /** Returns the organisation's tax type code for a category, for example {@code OUTPUT3} for STANDARD. */
    String taxTypeFor(TaxCategory category);

    /**
     * Pays for up to {@code calls} API calls that this thread makes next, before a step that makes several, so a
     * spent rate limit stops the step before its first call instead of halfway. A step stopped halfway repeats
     * its successful calls on the next attempt and spends the limit twice. Close the result when the step ends.
     * The default reserves nothing, for clients without call limits.
     *
     * @throws dev.handoff.error.ThrottledException if the calls do not fit in the rate limits now
     */
    default CallReservation reserveCalls(int calls) {
        return CallReservation.NONE;
    }

    /**
     * Checks, without paying, that {@code calls} API calls would fit in the rate limits now, so a step can stop
     * before work that would be wasted when its reservation fails. The default checks nothing.
     *
     * @throws dev.handoff.error.ThrottledException if the calls do not fit now
     */
    default void requireCallsAvailable(int calls) {
    }
}
