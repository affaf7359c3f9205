package dev.handoff.accounting;

/**
 * A customer record in the accounting system. {@code status} is the vendor's value, for example
 * {@code ACTIVE} or {@code ARCHIVED} in Xero. {@link #toString()} shows only ids.
 */
public record AccountingContact(
        String contactId,
        String contactNumber,
        String name,
        String taxNumber,
        String companyNumber,
        String emailAddress,
        String status) {

    public boolean isArchived() {
        return "ARCHIVED".equalsIgnoreCase(status);
    }

    @Override
    public String toString() {
        return "AccountingContact[contactId=" + contactId + ", status=" + status + "]";
    }
}
