package dev.handoff.accounting;

import dev.handoff.domain.Address;

/**
 * The finance-ready customer as Handoff writes it: only mapped fields. {@code contactNumber} carries the
 * CRM company id so the record can be found again.
 */
public record ContactRequest(
        String contactNumber,
        String name,
        String taxNumber,
        String companyNumber,
        String emailAddress,
        Address billingAddress) {

    @Override
    public String toString() {
        return "ContactRequest[contactNumber=" + contactNumber + "]";
    }
}
