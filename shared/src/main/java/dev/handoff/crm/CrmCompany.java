package dev.handoff.crm;

import dev.handoff.domain.Address;

/**
 * A company as read from the CRM, with the properties Handoff maps to a finance-ready customer.
 * {@link #toString()} shows only the id: names, VAT numbers and addresses are personal data under POPIA.
 */
public record CrmCompany(
        String id,
        String name,
        String legalName,
        String vatNumber,
        String registrationNumber,
        String billingEmail,
        Address billingAddress) {

    @Override
    public String toString() {
        return "CrmCompany[id=" + id + "]";
    }
}
