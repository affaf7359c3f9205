package dev.handoff.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmDeal;
import dev.handoff.domain.Address;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomerMapperTest {

    private static final Address ADDRESS = new Address("12 Example Street", null, "Johannesburg", "Gauteng", "2001", "South Africa");

    private final CustomerMapper mapper = new CustomerMapper();

    @Test
    void completeCompanyIsReady() {
        CustomerMapper.Result result = mapper.map(deal(company("4000000000", "2019/123456/07", "accounts@example-trading.test", ADDRESS)));

        assertThat(result.isReady()).isTrue();
        assertThat(result.customer().legalName()).isEqualTo("Example Trading (Pty) Ltd");
        assertThat(result.customer().crmCompanyId()).isEqualTo("7001");
        assertThat(result.customer().toString()).doesNotContain("Example Trading");
    }

    @Test
    void missingCompanyIsNamed() {
        CustomerMapper.Result result = mapper.map(deal(null));

        assertThat(result.isReady()).isFalse();
        assertThat(result.problems()).extracting(CustomerMapper.Problem::field).containsExactly("company");
    }

    @Test
    void missingEmailAndAddressAreNamed() {
        CustomerMapper.Result result = mapper.map(deal(company(null, null, null, null)));

        assertThat(result.problems()).extracting(CustomerMapper.Problem::field)
                .containsExactly("company.billing_email", "company.billing_address");
    }

    @Test
    void invalidVatNumberIsLeftOffCustomer() {
        assertThat(fields(company("5000000000", null, "a@b.test", ADDRESS))).isEmpty();
        assertThat(vatNumber(company("5000000000", null, "a@b.test", ADDRESS))).isNull();
        assertThat(vatNumber(company("400000000", null, "a@b.test", ADDRESS))).isNull();
    }

    @Test
    void spacedVatNumberIsNormalised() {
        assertThat(vatNumber(company("4000 000 000", null, "a@b.test", ADDRESS))).isEqualTo("4000000000");
    }

    @Test
    void malformedRegistrationNumberIsKeptForReview() {
        CustomerMapper.Result result = mapper.map(deal(company(null, "2019/12345/07", "a@b.test", ADDRESS)));

        assertThat(result.problems()).isEmpty();
        assertThat(result.customer().registrationNumber()).isEqualTo("2019/12345/07");
    }

    private String vatNumber(CrmCompany company) {
        return mapper.map(deal(company)).customer().vatNumber();
    }

    private List<String> fields(CrmCompany company) {
        return mapper.map(deal(company)).problems().stream().map(CustomerMapper.Problem::field).toList();
    }

    private static CrmCompany company(String vat, String registration, String email, Address address) {
        return new CrmCompany("7001", "Example Trading", "Example Trading (Pty) Ltd", vat, registration, email, address);
    }

    private static CrmDeal deal(CrmCompany company) {
        return new CrmDeal("48000000001", "Deal", "default", "closedwon", null, null, "ZAR",
                company == null ? List.of() : List.of(company), List.of(), List.of(), null);
    }
}
