package dev.handoff.service;

import dev.handoff.accounting.ContactRequest;
import dev.handoff.domain.Address;

/**
 * The customer as finance needs it, mapped from the deal's primary company. {@link #toString()} shows only
 * the CRM company id.
 */
public record FinanceCustomer(
        String crmCompanyId,
        String legalName,
        String vatNumber,
        String registrationNumber,
        String billingEmail,
        Address billingAddress) {

    /** Returns the contact Handoff writes to the accounting system, with the CRM company id as contact number. */
    public ContactRequest toContactRequest() {
        return new ContactRequest(crmCompanyId, legalName, vatNumber, registrationNumber, billingEmail, billingAddress);
    }

    @Override
    public String toString() {
        return "FinanceCustomer[crmCompanyId=" + crmCompanyId + "]";
    }
}
