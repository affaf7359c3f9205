package dev.handoff.service;

import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmDeal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Maps a deal's primary company to a {@link FinanceCustomer} and lists what stops it from being finance-ready.
 * Required: a company, its legal name, a billing e-mail and a complete billing address. Optional but checked
 * when present: the VAT number (10 digits starting with 4) and the company registration number
 * (YYYY/NNNNNN/NN, the CIPC form used since 2000).
 */
public final class CustomerMapper {

    private static final Pattern VAT_NUMBER = Pattern.compile("4\\d{9}");
    private static final Pattern REGISTRATION_NUMBER = Pattern.compile("(19|20)\\d{2}/\\d{6}/\\d{2}");
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
        if (vatNumber != null && !VAT_NUMBER.matcher(vatNumber).matches()) {
            problems.add(new Problem("company.vat_number",
                    "correct the VAT number: a South African VAT number has 10 digits and starts with 4"));
        }
        if (registrationNumber != null && !REGISTRATION_NUMBER.matcher(registrationNumber).matches()) {
            problems.add(new Problem("company.registration_number",
                    "correct the company registration number to the form YYYY/NNNNNN/NN, for example 2019/123456/07"));
        }

        FinanceCustomer customer = new FinanceCustomer(company.id(), legalName, vatNumber, registrationNumber,
                billingEmail, company.billingAddress());
        return new Result(customer, problems);
    }

    /** Strips spaces and dashes that people type into VAT numbers. */
    private static String normaliseDigits(String value) {
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
