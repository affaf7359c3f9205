package dev.handoff.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.accounting.AccountingContact;
import dev.handoff.accounting.ContactRequest;
import dev.handoff.domain.Address;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContactFieldSyncTest {

    private static final Address ADDRESS = new Address("1 Example Street", null, "Cape Town", "Western Cape", "8001",
            "South Africa");
    private static final ContactRequest CRM = new ContactRequest("hs-company-7001", "Example Trading (Pty) Ltd",
            "4000000000", "2019/123456/07", "accounts@example-trading.test", ADDRESS);

    private final ContactFieldSync sync = new ContactFieldSync();

    @Test
    void equalFieldsNeedNoWrite() {
        assertThat(sync.changes(CRM, contact("Example Trading (Pty) Ltd", "accounts@example-trading.test",
                "4000000000", "2019/123456/07", ADDRESS))).isEmpty();
    }

    @Test
    void cosmeticDifferencesNeedNoWrite() {
        Address shouted = new Address(" 1 EXAMPLE STREET ", "", "cape town", "Western Cape", "8001", "South Africa");

        assertThat(sync.changes(CRM, contact("EXAMPLE  TRADING (PTY) LTD", "Accounts@Example-Trading.test",
                "4000000000", "2019/123456/07", shouted))).isEmpty();
    }

    @Test
    void changedEmailIsOnlyField() {
        Optional<ContactRequest> changes = sync.changes(CRM, contact("Example Trading (Pty) Ltd",
                "info@example-trading.test", "4000000000", "2019/123456/07", ADDRESS));

        assertThat(changes).isPresent();
        assertThat(changes.get().emailAddress()).isEqualTo("accounts@example-trading.test");
        assertThat(changes.get().name()).isNull();
        assertThat(changes.get().taxNumber()).isNull();
        assertThat(changes.get().companyNumber()).isNull();
        assertThat(changes.get().billingAddress()).isNull();
        assertThat(changes.get().contactNumber()).isNull();
    }

    @Test
    void changedNameVatRegistrationAndAddress() {
        Address old = new Address("9 Old Road", null, "Cape Town", "Western Cape", "8001", "South Africa");

        ContactRequest changes = sync.changes(CRM, contact("Example Trading CC", "accounts@example-trading.test",
                "4999999999", "2010/000001/23", old)).orElseThrow();

        assertThat(changes.name()).isEqualTo("Example Trading (Pty) Ltd");
        assertThat(changes.taxNumber()).isEqualTo("4000000000");
        assertThat(changes.companyNumber()).isEqualTo("2019/123456/07");
        assertThat(changes.billingAddress()).isEqualTo(ADDRESS);
        assertThat(changes.emailAddress()).isNull();
    }

    @Test
    void missingAccountingValuesAreFilled() {
        ContactRequest changes = sync.changes(CRM, contact("Example Trading (Pty) Ltd", null, null, null, null))
                .orElseThrow();

        assertThat(changes.emailAddress()).isEqualTo("accounts@example-trading.test");
        assertThat(changes.taxNumber()).isEqualTo("4000000000");
        assertThat(changes.companyNumber()).isEqualTo("2019/123456/07");
        assertThat(changes.billingAddress()).isEqualTo(ADDRESS);
    }

    @Test
    void emptyCrmValuesNeverClearAccounting() {
        ContactRequest sparse = new ContactRequest("hs-company-7001", "Example Trading (Pty) Ltd", null, null,
                "accounts@example-trading.test", null);

        assertThat(sync.changes(sparse, contact("Example Trading (Pty) Ltd", "accounts@example-trading.test",
                "4000000000", "2019/123456/07", ADDRESS))).isEmpty();
    }

    @Test
    void incompleteCrmAddressIsNotWritten() {
        ContactRequest noCity = new ContactRequest("hs-company-7001", "Example Trading (Pty) Ltd", "4000000000",
                "2019/123456/07", "accounts@example-trading.test",
                new Address("1 Example Street", null, null, null, "8001", "South Africa"));

        assertThat(sync.changes(noCity, contact("Example Trading (Pty) Ltd", "accounts@example-trading.test",
                "4000000000", "2019/123456/07", ADDRESS))).isEmpty();
    }

    private static AccountingContact contact(String name, String email, String taxNumber, String companyNumber,
            Address address) {
        return new AccountingContact("5d1c2b3a-0000-4000-8000-0000000000c9", "hs-company-7001", name, taxNumber,
                companyNumber, email, "ACTIVE", null, address);
    }
}
