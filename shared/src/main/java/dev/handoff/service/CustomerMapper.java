package dev.handoff.service;

import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmDeal;
import dev.handoff.review.ReviewRules;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Maps a deal's primary company to a {@link FinanceCustomer} and lists what stops it from being finance-ready.
 * Required: a company, its legal name, a billing e-mail and a complete billing address. A VAT number that is
 * not 10 digits starting with 4 is left off the customer, so no accounting contact or tax invoice carries it. The
 * VAT and registration number forms are review rules ({@code ReviewRules.tax}), not blocking problems: finance
 * decides whether the invoice goes out.
 */
public final class CustomerMapper {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /** A field that blocks the handoff, with the fix in words sales can act on. */
    public record Problem(String field, String fix) {
    }

    /** The mapped customer, or null when there is no company, and the problems found. */
    public record Result(FinanceCustomer customer, List<Problem> problems) {

        public boolean isReady() {
            return customer != null && problems.isEmpty();
        }
    }

    public Result map(CrmDeal deal) {
        List<Problem> problems = new ArrayList<>();
        if (deal.companies().isEmpty()) {
            problems.add(new Problem("company", "associate the customer's company with the deal"));
            return new Result(null, problems);
        }

        CrmCompany company = deal.companies().get(0);
        String legalName = firstNonBlank(company.legalName(), company.name());
        String vatNumber = normaliseDigits(company.vatNumber());
        String registrationNumber = trimToNull(company.registrationNumber());
        String billingEmail = trimToNull(company.billingEmail());

        if (legalName == null) {
            problems.add(new Problem("company.legal_name", "enter the company's registered legal name"));
        }
        if (billingEmail == null) {
            problems.add(new Problem("company.billing_email", "enter the e-mail address that receives invoices"));
        } else if (!EMAIL.matcher(billingEmail).matches()) {
            problems.add(new Problem("company.billing_email", "correct the billing e-mail address; it is not a valid address"));
        }
        if (company.billingAddress() == null || !company.billingAddress().isComplete()) {
            problems.add(new Problem("company.billing_address",
                    "complete the billing address: street, city, postal code and country"));
        }

        FinanceCustomer customer = new FinanceCustomer(company.id(), legalName,
                ReviewRules.isValidVatNumber(vatNumber) ? vatNumber : null, registrationNumber, billingEmail,
                company.billingAddress());
        return new Result(customer, problems);
    }

    /** Strips spaces and dashes that people type into VAT numbers. */
    public static String normaliseDigits(String value) {
        String trimmed = trimToNull(value);
        return trimmed == null ? null : trimmed.replace(" ", "").replace("-", "");
    }

    private static String firstNonBlank(String first, String second) {
        String value = trimToNull(first);
        return value != null ? value : trimToNull(second);
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
