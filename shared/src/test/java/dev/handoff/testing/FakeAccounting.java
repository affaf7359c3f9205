package dev.handoff.testing;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.accounting.InvoiceRequest;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.RetryableException;
import dev.handoff.service.InvoiceDrafter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory accounting system for service tests. It honours idempotency keys like Xero does and can be
 * set to time out after creating an invoice, to reproduce a create whose response was lost.
 */
public class FakeAccounting implements AccountingClient {

    public final List<AccountingContact> contacts = new CopyOnWriteArrayList<>();
    public final List<AccountingInvoice> invoices = new CopyOnWriteArrayList<>();
    public final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
    public final List<InvoiceRequest> invoiceRequests = new CopyOnWriteArrayList<>();
    public final List<ContactRequest> contactUpdates = new CopyOnWriteArrayList<>();
    private final Map<String, AccountingInvoice> byIdempotencyKey = new HashMap<>();
    public int contactsCreated;
    public int timeoutsAfterCreate;

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
        String expected = name.trim().toLowerCase(java.util.Locale.ROOT);
        return contacts.stream().filter(contact -> contact.name().trim().toLowerCase(java.util.Locale.ROOT).equals(expected)).toList();
    }

    @Override
    public List<AccountingContact> findContactsByCompanyNumber(String companyNumber) {
        return contacts.stream().filter(contact -> companyNumber.equals(contact.companyNumber())).toList();
    }

    @Override
    public List<AccountingContact> findContactsByEmail(String emailAddress) {
        return contacts.stream().filter(contact -> emailAddress.equalsIgnoreCase(contact.emailAddress())).toList();
    }

    @Override
    public Optional<AccountingContact> findContact(String contactId) {
        return contacts.stream().filter(contact -> contactId.equals(contact.contactId())).findFirst();
    }

    @Override
    public synchronized AccountingContact createContact(ContactRequest request) {
        AccountingContact contact = new AccountingContact(UUID.randomUUID().toString(), request.contactNumber(), request.name(),
                request.taxNumber(), request.companyNumber(), request.emailAddress(), "ACTIVE", null, request.billingAddress());
        contacts.add(contact);
        contactsCreated++;
        return contact;
    }

    @Override
    public synchronized AccountingContact setContactNumber(String contactId, String contactNumber) {
        for (int i = 0; i < contacts.size(); i++) {
            AccountingContact contact = contacts.get(i);
            if (contact.contactId().equals(contactId)) {
                AccountingContact updated = new AccountingContact(contactId, contactNumber, contact.name(), contact.taxNumber(),
                        contact.companyNumber(), contact.emailAddress(), contact.status(), contact.mergedToContactId(),
                        contact.billingAddress());
                contacts.set(i, updated);
                return updated;
            }
        }
        throw new IllegalArgumentException("no contact " + contactId);
    }

    /** Applies the non-null fields of {@code changes} and records them in {@link #contactUpdates}. */
    @Override
    public synchronized AccountingContact updateContact(String contactId, ContactRequest changes) {
        contactUpdates.add(changes);
        for (int i = 0; i < contacts.size(); i++) {
            AccountingContact contact = contacts.get(i);
            if (contact.contactId().equals(contactId)) {
                AccountingContact updated = new AccountingContact(contactId, contact.contactNumber(),
                        orElse(changes.name(), contact.name()), orElse(changes.taxNumber(), contact.taxNumber()),
                        orElse(changes.companyNumber(), contact.companyNumber()),
                        orElse(changes.emailAddress(), contact.emailAddress()), contact.status(),
                        contact.mergedToContactId(),
                        changes.billingAddress() == null ? contact.billingAddress() : changes.billingAddress());
                contacts.set(i, updated);
                return updated;
            }
        }
        throw new IllegalArgumentException("no contact " + contactId);
    }

    private static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }

    @Override
    public synchronized AccountingInvoice createInvoice(InvoiceRequest request, String idempotencyKey) {
        idempotencyKeys.add(idempotencyKey);
        invoiceRequests.add(request);
        AccountingInvoice invoice = byIdempotencyKey.get(idempotencyKey);
        if (invoice == null) {
            BigDecimal total = InvoiceDrafter.expectedTotal(request, Map.of(TaxCategory.STANDARD, new BigDecimal("15.00")));
            invoice = new AccountingInvoice(UUID.randomUUID().toString(), "INV-%04d".formatted(invoices.size() + 1),
                    request.reference(), request.status(), request.currencyCode(), null, null, total, total,
                    BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2), Instant.now());
            invoices.add(invoice);
            byIdempotencyKey.put(idempotencyKey, invoice);
        }
        if (timeoutsAfterCreate > 0) {
            timeoutsAfterCreate--;
            throw new RetryableException("Xero create invoice timed out", null);
        }
        return invoice;
    }

    @Override
    public List<AccountingInvoice> findInvoicesByReference(String reference) {
        return invoices.stream().filter(invoice -> reference.equals(invoice.reference())).toList();
    }

    @Override
    public AccountingInvoice getInvoice(String invoiceId) {
        return invoices.stream().filter(invoice -> invoice.invoiceId().equals(invoiceId)).findFirst()
                .orElseThrow(() -> new dev.handoff.error.NotFoundException("no invoice " + invoiceId));
    }

    /** Records a payment: the amount moves from due to paid, and the status becomes PAID when nothing is due. */
    public synchronized AccountingInvoice pay(String invoiceId, BigDecimal amount) {
        List<AccountingInvoice> copy = new ArrayList<>(invoices);
        for (int i = 0; i < copy.size(); i++) {
            AccountingInvoice invoice = copy.get(i);
            if (invoice.invoiceId().equals(invoiceId)) {
                BigDecimal due = invoice.amountDue().subtract(amount);
                AccountingInvoice paid = new AccountingInvoice(invoiceId, invoice.invoiceNumber(), invoice.reference(),
                        due.signum() == 0 ? "PAID" : invoice.status(), invoice.currencyCode(), invoice.subTotal(), invoice.totalTax(),
                        invoice.total(), due, invoice.amountPaid().add(amount), invoice.amountCredited(), Instant.now());
                invoices.set(i, paid);
                return paid;
            }
        }
        throw new IllegalArgumentException("no invoice " + invoiceId);
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
}
