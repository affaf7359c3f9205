package dev.handoff.service;

import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingContact;
import java.util.List;
import java.util.function.Function;

/**
 * Finds the accounting contact for a finance-ready customer, in this order: contact number (the CRM company
 * id), VAT number, company registration number, normalised name, billing e-mail address. The first step with
 * any candidate decides. One active candidate is a match. Several active candidates, only archived ones, a
 * different VAT number or another company's contact number need a person's decision, so they never lead to
 * a new contact. The ledger's own link is checked by the caller before this.
 */
final class CustomerMatcher {

    private final AccountingClient accounting;

    CustomerMatcher(AccountingClient accounting) {
        this.accounting = accounting;
    }

    /** Result of matching: a contact to link, a decision for finance, or nothing found. */
    sealed interface Match permits Found, NeedsReview, NotFound {
    }

    /** A single active contact; {@code matchedBy} names the step, for the timeline. */
    record Found(AccountingContact contact, String matchedBy) implements Match {
    }

    /** Candidates a person must choose between; {@code reason} names no customer data. */
    record NeedsReview(String reason, String matchedBy, List<String> candidateContactIds) implements Match {
    }

    record NotFound() implements Match {
    }

    Match match(FinanceCustomer customer) {
        // One lookup returns the candidates of all three identifier steps, so the precedence is applied here.
        List<AccountingContact> byIdentifier = accounting.findContactsByIdentifiers(customer.crmCompanyId(),
                customer.vatNumber(), customer.registrationNumber());

        List<AccountingContact> byNumber = withValue(byIdentifier, AccountingContact::contactNumber, customer.crmCompanyId());
        if (!byNumber.isEmpty()) {
            return decide(byNumber, "contact number", customer);
        }

        List<AccountingContact> byVat = withValue(byIdentifier, AccountingContact::taxNumber, customer.vatNumber());
        if (!byVat.isEmpty()) {
            return decide(byVat, "VAT number", customer);
        }

        List<AccountingContact> byRegistration = withValue(byIdentifier, AccountingContact::companyNumber,
                customer.registrationNumber());
        if (!byRegistration.isEmpty()) {
            return decide(byRegistration, "registration number", customer);
        }

        List<AccountingContact> byName = accounting.findContactsByName(customer.legalName());
        if (!byName.isEmpty()) {
            return decide(byName, "name", customer);
        }

        if (customer.billingEmail() != null) {
            List<AccountingContact> byEmail = accounting.findContactsByEmail(customer.billingEmail());
            if (!byEmail.isEmpty()) {
                return decide(byEmail, "e-mail address", customer);
            }
        }
        return new NotFound();
    }

    /** Returns the candidates whose field equals {@code value}, or none when the customer has no value. */
    private static List<AccountingContact> withValue(List<AccountingContact> candidates,
            Function<AccountingContact, String> field, String value) {
        if (value == null) {
            return List.of();
        }
        return candidates.stream().filter(contact -> value.equals(field.apply(contact))).toList();
    }

    private static Match decide(List<AccountingContact> candidates, String matchedBy, FinanceCustomer customer) {
        List<String> ids = candidates.stream().map(AccountingContact::contactId).toList();
        List<AccountingContact> active = candidates.stream().filter(contact -> !contact.isArchived()).toList();

        if (active.isEmpty()) {
            return new NeedsReview("The only accounting contact with this company's " + matchedBy + " is archived; "
                    + "finance must restore it or confirm a new customer.", matchedBy, ids);
        }
        if (active.size() > 1) {
            return new NeedsReview("More than one accounting contact has this company's " + matchedBy
                    + " (possible duplicate customer); finance must merge them or link the right one.", matchedBy, ids);
        }

        AccountingContact contact = active.get(0);
        if (!sameOrMissingVat(contact, customer)) {
            return new NeedsReview("An accounting contact with this company's " + matchedBy + " has another VAT number "
                    + "(possible duplicate customer); finance must decide whether to merge.", matchedBy, ids);
        }
        if (hasOtherContactNumber(contact, customer)) {
            return new NeedsReview("The accounting contact with this company's " + matchedBy + " belongs to another "
                    + "CRM company (its contact number differs); finance must decide which company it is.", matchedBy, ids);
        }
        return new Found(contact, matchedBy);
    }

    private static boolean sameOrMissingVat(AccountingContact contact, FinanceCustomer customer) {
        return contact.taxNumber() == null || contact.taxNumber().isBlank() || customer.vatNumber() == null
                || contact.taxNumber().replace(" ", "").equals(customer.vatNumber());
    }

    private static boolean hasOtherContactNumber(AccountingContact contact, FinanceCustomer customer) {
        return contact.contactNumber() != null && !contact.contactNumber().isBlank()
                && !contact.contactNumber().equals(customer.crmCompanyId());
    }
}
