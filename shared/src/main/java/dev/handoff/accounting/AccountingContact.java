package dev.handoff.accounting;

import dev.handoff.domain.Address;

/**
 * A customer record in the accounting system. {@code status} is the vendor's value, for example
 * {@code ACTIVE} or {@code ARCHIVED} in Xero. {@code mergedToContactId} is set when finance merged this
 * contact into another one, which then replaces it. {@code billingAddress} is the address invoices are
 * posted to (Xero's POBOX address), or null when the vendor returned none. {@code receivables} is the
 * customer's credit standing when the read that returned the contact carried its balances (Xero's
 * GET /Contacts/{ContactID} does), or null when it did not, so the credit rules read it separately.
 * {@link #toString()} shows only ids.
 */
public record AccountingContact(
        String contactId,
        String contactNumber,
        String name,
        String taxNumber,
        String companyNumber,
        String emailAddress,
        String status,
        String mergedToContactId,
        Address billingAddress,
        CreditStanding receivables) {

    /** Creates a contact whose read carried no balances. */
    public AccountingContact(String contactId, String contactNumber, String name, String taxNumber,
            String companyNumber, String emailAddress, String status, String mergedToContactId, Address billingAddress) {
        this(contactId, contactNumber, name, taxNumber, companyNumber, emailAddress, status, mergedToContactId,
                billingAddress, null);
    }

    /** Creates a contact without a billing address. */
    public AccountingContact(String contactId, String contactNumber, String name, String taxNumber,
            String companyNumber, String emailAddress, String status, String mergedToContactId) {
        this(contactId, contactNumber, name, taxNumber, companyNumber, emailAddress, status, mergedToContactId, null, null);
    }

    /** Creates a contact that was not merged into another one. */
    public AccountingContact(String contactId, String contactNumber, String name, String taxNumber,
            String companyNumber, String emailAddress, String status) {
        this(contactId, contactNumber, name, taxNumber, companyNumber, emailAddress, status, null, null, null);
    }

    /** Returns this contact with the credit standing read together with it. */
    public AccountingContact withReceivables(CreditStanding standing) {
        return new AccountingContact(contactId, contactNumber, name, taxNumber, companyNumber, emailAddress, status,
                mergedToContactId, billingAddress, standing);
    }

    public boolean isArchived() {
        return "ARCHIVED".equalsIgnoreCase(status);
    }

    @Override
    public String toString() {
        return "AccountingContact[contactId=" + contactId + ", status=" + status
                + (mergedToContactId == null ? "" : ", mergedToContactId=" + mergedToContactId) + "]";
    }
}
