package dev.handoff.service;

import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.domain.Address;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides which mapped customer fields of a linked accounting contact differ from the CRM and must be
 * written. The CRM is the source of truth for the mapped fields: name, e-mail address, VAT number, company
 * registration number and billing address. Every other contact field belongs to the accounting system and is
 * never part of a change.
 *
 * <p>A field the CRM leaves empty never clears the accounting value, because an empty CRM value more often
 * means "not captured" than "remove". Names compare ignoring case and runs of whitespace, e-mail addresses
 * ignoring case, and address parts ignoring case and surrounding whitespace, so cosmetic differences cause no
 * write. An address is written whole, and only when the CRM's is complete.
 */
final class ContactFieldSync {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** Returns the fields to write, with null for each field that needs no write, or empty when none does. */
    Optional<ContactRequest> changes(ContactRequest expected, AccountingContact current) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(current, "current");

        String name = differs(expected.name(), current.name(), ContactFieldSync::normaliseName) ? expected.name() : null;
        String email = differs(expected.emailAddress(), current.emailAddress(), ContactFieldSync::normaliseText)
                ? expected.emailAddress().trim() : null;
        String taxNumber = differs(expected.taxNumber(), current.taxNumber(), String::trim) ? expected.taxNumber() : null;
        String companyNumber = differs(expected.companyNumber(), current.companyNumber(), String::trim)
                ? expected.companyNumber() : null;
        Address address = addressDiffers(expected.billingAddress(), current.billingAddress()) ? expected.billingAddress() : null;

        if (name == null && email == null && taxNumber == null && companyNumber == null && address == null) {
            return Optional.empty();
        }
        return Optional.of(new ContactRequest(null, name, taxNumber, companyNumber, email, address));
    }

    private static boolean differs(String expected, String current, java.util.function.UnaryOperator<String> normalise) {
        if (isBlank(expected)) {
            return false;
        }
        return isBlank(current) || !normalise.apply(expected).equals(normalise.apply(current));
    }

    private static boolean addressDiffers(Address expected, Address current) {
        if (expected == null || !expected.isComplete()) {
            return false;
        }
        if (current == null) {
            return true;
        }
        return !samePart(expected.line1(), current.line1())
                || !samePart(expected.line2(), current.line2())
                || !samePart(expected.city(), current.city())
                || !samePart(expected.region(), current.region())
                || !samePart(expected.postalCode(), current.postalCode())
                || !samePart(expected.country(), current.country());
    }

    /** Compares address parts; an empty part equals an absent one. */
    private static boolean samePart(String expected, String current) {
        return normaliseText(expected == null ? "" : expected).equals(normaliseText(current == null ? "" : current));
    }

    private static String normaliseName(String value) {
        return WHITESPACE.matcher(value.trim()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    private static String normaliseText(String value) {
        return value.trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
