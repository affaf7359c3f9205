package dev.handoff.function.paymentsync;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory accounting system that only returns stored invoices: payment sync re-reads, never writes. */
final class FakeAccounting implements AccountingClient {

    final Map<String, AccountingInvoice> invoices = new ConcurrentHashMap<>();

    @Override
    public AccountingInvoice getInvoice(String invoiceId) {
        AccountingInvoice invoice = invoices.get(invoiceId);
        if (invoice == null) {
            throw new NotFoundException("Xero get invoice failed with HTTP 404");
        }
        return invoice;
    }

    @Override
    public Optional<AccountingContact> findContactByNumber(String contactNumber) {
        throw new UnsupportedOperationException("findContactByNumber: payment sync must not look up contacts");
    }

    @Override
    public List<AccountingContact> findContactsByTaxNumber(String taxNumber) {
        throw new UnsupportedOperationException("findContactsByTaxNumber: payment sync must not look up contacts");
    }

    @Override
    public List<AccountingContact> findContactsByName(String name) {
        throw new UnsupportedOperationException("findContactsByName: payment sync must not look up contacts");
    }

    @Override
    public AccountingContact createContact(ContactRequest request) {
        throw new UnsupportedOperationException("createContact: payment sync must not create contacts");
    }

    @Override
    public AccountingContact setContactNumber(String contactId, String contactNumber) {
        throw new UnsupportedOperationException("setContactNumber: payment sync must not change contacts");
    }

    @Override
    public AccountingInvoice createInvoice(InvoiceRequest request, String idempotencyKey) {
        throw new UnsupportedOperationException("createInvoice: payment sync must not raise invoices");
    }

    @Override
    public List<AccountingInvoice> findInvoicesByReference(String reference) {
        throw new UnsupportedOperationException("findInvoicesByReference: payment sync reads invoices by id");
    }

    @Override
    public String taxTypeFor(TaxCategory category) {
        throw new UnsupportedOperationException("taxTypeFor: payment sync must not draft invoices");
    }
}
