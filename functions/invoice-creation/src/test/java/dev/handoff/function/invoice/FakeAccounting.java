package dev.handoff.function.invoice;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.domain.TaxCategory;
import dev.handoff.service.InvoiceDrafter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory accounting system with invoices only: invoice creation never looks up or creates contacts. Like
 * Xero, it returns the invoice already created under an idempotency key instead of creating another.
 */
final class FakeAccounting implements AccountingClient {

    final List<AccountingInvoice> invoices = new CopyOnWriteArrayList<>();
    final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
    private final Map<String, AccountingInvoice> byIdempotencyKey = new HashMap<>();

    @Override
    public synchronized AccountingInvoice createInvoice(InvoiceRequest request, String idempotencyKey) {
        idempotencyKeys.add(idempotencyKey);
        AccountingInvoice created = byIdempotencyKey.get(idempotencyKey);
        if (created != null) {
            return created;
        }

        BigDecimal total = InvoiceDrafter.expectedTotal(request, Map.of(TaxCategory.STANDARD, new BigDecimal("15.00")));
        AccountingInvoice invoice = new AccountingInvoice(UUID.randomUUID().toString(), "INV-%04d".formatted(invoices.size() + 1),
                request.reference(), request.status(), request.currencyCode(), null, null, total, total,
                BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2), Instant.parse("2026-03-01T06:00:00Z"));
        invoices.add(invoice);
        byIdempotencyKey.put(idempotencyKey, invoice);
        return invoice;
    }

    @Override
    public List<AccountingInvoice> findInvoicesByReference(String reference) {
        return invoices.stream().filter(invoice -> reference.equals(invoice.reference())).toList();
    }

    @Override
    public String taxTypeFor(TaxCategory category) {
        return switch (category) {
            case STANDARD -> "OUTPUT3";
            case ZERO_RATED -> "ZERORATED";
            case ZERO_RATED_EXPORT -> "ZERORATEDOUTPUT";
            case EXEMPT -> "EXEMPTOUTPUT";
        };
    }

    @Override
    public AccountingInvoice getInvoice(String invoiceId) {
        throw new UnsupportedOperationException("getInvoice: invoice creation does not re-read invoices");
    }

    @Override
    public Optional<AccountingContact> findContactByNumber(String contactNumber) {
        throw new UnsupportedOperationException("findContactByNumber: invoice creation must not look up contacts");
    }

    @Override
    public List<AccountingContact> findContactsByTaxNumber(String taxNumber) {
        throw new UnsupportedOperationException("findContactsByTaxNumber: invoice creation must not look up contacts");
    }

    @Override
    public List<AccountingContact> findContactsByName(String name) {
        throw new UnsupportedOperationException("findContactsByName: invoice creation must not look up contacts");
    }

    @Override
    public AccountingContact createContact(ContactRequest request) {
        throw new UnsupportedOperationException("createContact: invoice creation must not create contacts");
    }

    @Override
    public AccountingContact setContactNumber(String contactId, String contactNumber) {
        throw new UnsupportedOperationException("setContactNumber: invoice creation must not change contacts");
    }
}
