package dev.handoff.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.accounting.AccountingContact;
import dev.handoff.testing.FakeAccounting;
import dev.handoff.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The matcher's precedence when one identifier lookup returns the candidates of every identifier step at once,
 * as Xero's OR-joined where filter does.
 */
class CustomerMatcherTest {

    private static final String COMPANY_ID = "72000001";
    private static final String VAT_NUMBER = "4000000000";
    private static final String REGISTRATION_NUMBER = "2019/123456/07";
    private static final FinanceCustomer CUSTOMER = new FinanceCustomer(COMPANY_ID, "Example Trading (Pty) Ltd",
            VAT_NUMBER, REGISTRATION_NUMBER, "accounts@example-trading.test", Fixtures.ADDRESS);

    private final CombinedLookupAccounting accounting = new CombinedLookupAccounting();
    private final CustomerMatcher matcher = new CustomerMatcher(accounting);

    @Test
    void contactNumberBeatsVatNumber() {
        contact("c1", COMPANY_ID, null, null, "ACTIVE");
        contact("c2", null, VAT_NUMBER, null, "ACTIVE");

        assertThat(matcher.match(CUSTOMER)).isEqualTo(new CustomerMatcher.Found(accounting.contacts.get(0), "contact number"));
    }

    @Test
    void vatNumberBeatsRegistrationNumber() {
        contact("c1", null, null, REGISTRATION_NUMBER, "ACTIVE");
        contact("c2", null, VAT_NUMBER, null, "ACTIVE");

        assertThat(matcher.match(CUSTOMER)).isEqualTo(new CustomerMatcher.Found(accounting.contacts.get(1), "VAT number"));
    }

    @Test
    void registrationNumberMatchesLast() {
        contact("c1", null, null, REGISTRATION_NUMBER, "ACTIVE");

        assertThat(matcher.match(CUSTOMER))
                .isEqualTo(new CustomerMatcher.Found(accounting.contacts.get(0), "registration number"));
    }

    // The first step with any candidate decides, even when a later step has an active one.
    @Test
    void archivedContactNumberMatchNeedsReview() {
        contact("c1", COMPANY_ID, null, null, "ARCHIVED");
        contact("c2", null, VAT_NUMBER, null, "ACTIVE");

        CustomerMatcher.Match match = matcher.match(CUSTOMER);

        assertThat(match).isInstanceOfSatisfying(CustomerMatcher.NeedsReview.class, review -> {
            assertThat(review.matchedBy()).isEqualTo("contact number");
            assertThat(review.reason()).contains("archived");
            assertThat(review.candidateContactIds()).containsExactly("c1");
        });
    }

    @Test
    void twoActiveContactNumberMatchesNeedReview() {
        contact("c1", COMPANY_ID, null, null, "ACTIVE");
        contact("c2", COMPANY_ID, null, null, "ACTIVE");

        CustomerMatcher.Match match = matcher.match(CUSTOMER);

        assertThat(match).isInstanceOfSatisfying(CustomerMatcher.NeedsReview.class, review -> {
            assertThat(review.matchedBy()).isEqualTo("contact number");
            assertThat(review.reason()).contains("More than one");
            assertThat(review.candidateContactIds()).containsExactly("c1", "c2");
        });
    }

    @Test
    void vatMatchWithOtherContactNumberNeedsReview() {
        contact("c1", "72000999", VAT_NUMBER, null, "ACTIVE");

        CustomerMatcher.Match match = matcher.match(CUSTOMER);

        assertThat(match).isInstanceOfSatisfying(CustomerMatcher.NeedsReview.class, review -> {
            assertThat(review.matchedBy()).isEqualTo("VAT number");
            assertThat(review.reason()).contains("another CRM company");
        });
    }

    @Test
    void registrationMatchWithOtherVatNeedsReview() {
        contact("c1", null, "4111111111", REGISTRATION_NUMBER, "ACTIVE");

        CustomerMatcher.Match match = matcher.match(CUSTOMER);

        assertThat(match).isInstanceOfSatisfying(CustomerMatcher.NeedsReview.class, review -> {
            assertThat(review.matchedBy()).isEqualTo("registration number");
            assertThat(review.reason()).contains("another VAT number");
        });
    }

    @Test
    void identifierMatchSkipsNameAndEmailSearch() {
        contact("c1", null, VAT_NUMBER, null, "ACTIVE");

        matcher.match(CUSTOMER);

        assertThat(accounting.identifierLookups).containsExactly(List.of(COMPANY_ID, VAT_NUMBER, REGISTRATION_NUMBER));
        assertThat(accounting.nameSearches).isZero();
        assertThat(accounting.emailSearches).isZero();
    }

    @Test
    void noIdentifierMatchSearchesNameThenEmail() {
        contact("c1", "72000999", "4111111111", "2020/654321/07", "ACTIVE");

        assertThat(matcher.match(CUSTOMER)).isEqualTo(new CustomerMatcher.NotFound());

        assertThat(accounting.identifierLookups).hasSize(1);
        assertThat(accounting.nameSearches).isEqualTo(1);
        assertThat(accounting.emailSearches).isEqualTo(1);
    }

    @Test
    void missingNumbersAreNotLookedUp() {
        FinanceCustomer withoutNumbers = new FinanceCustomer(COMPANY_ID, "Example Trading (Pty) Ltd", null, null,
                "accounts@example-trading.test", Fixtures.ADDRESS);
        contact("c1", null, null, null, "ACTIVE");

        assertThat(matcher.match(withoutNumbers)).isEqualTo(new CustomerMatcher.NotFound());

        assertThat(accounting.identifierLookups).containsExactly(Arrays.asList(COMPANY_ID, null, null));
    }

    private void contact(String id, String contactNumber, String taxNumber, String companyNumber, String status) {
        accounting.contacts.add(new AccountingContact(id, contactNumber, "Other Name " + id, taxNumber, companyNumber,
                "other-" + id + "@example-other.test", status));
    }

    /** Returns every contact that matches any identifier from one lookup, as XeroClient does, and counts searches. */
    private static final class CombinedLookupAccounting extends FakeAccounting {

        final List<List<String>> identifierLookups = new ArrayList<>();
        int nameSearches;
        int emailSearches;

        @Override
        public List<AccountingContact> findContactsByIdentifiers(String contactNumber, String taxNumber, String companyNumber) {
            identifierLookups.add(Arrays.asList(contactNumber, taxNumber, companyNumber));
            return contacts.stream()
                    .filter(contact -> contactNumber.equals(contact.contactNumber())
                            || (taxNumber != null && taxNumber.equals(contact.taxNumber()))
                            || (companyNumber != null && companyNumber.equals(contact.companyNumber())))
                    .toList();
        }

        @Override
        public List<AccountingContact> findContactsByName(String name) {
            nameSearches++;
            return super.findContactsByName(name);
        }

        @Override
        public List<AccountingContact> findContactsByEmail(String emailAddress) {
            emailSearches++;
            return super.findContactsByEmail(emailAddress);
        }
    }
}
