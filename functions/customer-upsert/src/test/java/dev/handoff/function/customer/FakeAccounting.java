package dev.handoff.function.customer;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.domain.TaxCategory;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory accounting system with contacts only: customer upsert never raises or reads invoices. */
final class FakeAccounting implements AccountingClient {

    final List<AccountingContact> contacts = new CopyOnWriteArrayList<>();

    @Override
    public Optional<AccountingContact> findContactByNumber(String contactNumber) {
        return contacts.stream().filter(contact -> contactNumber.equals(contact.contactNumber())).findFirst();
    }

    @Override
    public List<AccountingContact> findContactsByTaxNumber(String taxNumber) {
        return contacts.stream().filter(contact -> taxNumber.equals(contact.taxNumber())).toList();
    }

    @Override
    public List<AccountingContact> findContactsByName(String name) {
        String expected = name.trim().toLowerCase(Locale.ROOT);
        return contacts.stream().filter(contact -> contact.name().trim().toLowerCase(Locale.ROOT).equals(expected)).toList();
    }

    @Override
    public AccountingContact createContact(ContactRequest request) {
        AccountingContact contact = new AccountingContact(UUID.randomUUID().toString(), request.contactNumber(), request.name(),
                request.taxNumber(), request.companyNumber(), request.emailAddress(), "ACTIVE");
        contacts.add(contact);
        return contact;
    }

    @Override
    public AccountingContact setContactNumber(String contactId, String contactNumber) {
        throw new UnsupportedOperationException("setContactNumber: these tests start with no contacts in Xero");
    }

    @Override
    public AccountingInvoice createInvoice(InvoiceRequest request, String idempotencyKey) {
        throw new UnsupportedOperationException("createInvoice: customer upsert must not raise invoices");
    }

    @Override
    public List<AccountingInvoice> findInvoicesByReference(String reference) {
        throw new UnsupportedOperationException("findInvoicesByReference: customer upsert must not read invoices");
    }

    @Override
    public AccountingInvoice getInvoice(String invoiceId) {
        throw new UnsupportedOperationException("getInvoice: customer upsert must not read invoices");
    }

    @Override
    public String taxTypeFor(TaxCategory category) {
        throw new UnsupportedOperationException("taxTypeFor: customer upsert must not draft invoices");
    }
}
