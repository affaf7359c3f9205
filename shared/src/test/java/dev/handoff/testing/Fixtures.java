package dev.handoff.testing;

import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmContact;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.domain.Address;
import dev.handoff.domain.TaxCategory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Made-up deals and companies shaped like the demo portal. */
public final class Fixtures {

    public static final String PORTAL_ID = "9999999";
    public static final String DEAL_ID = "48000000001";
    public static final String COMPANY_ID = "7001";
    public static final String TENANT_ID = "0c6f0a3e-0000-4000-8000-0000000000aa";
    public static final Address ADDRESS = new Address("12 Example Street", "Unit 4", "Johannesburg", "Gauteng", "2001", "South Africa");

    private Fixtures() {
    }

    public static CrmCompany company() {
        return company(COMPANY_ID);
    }

    public static CrmCompany company(String companyId) {
        return new CrmCompany(companyId, "Example Trading", "Example Trading (Pty) Ltd", "4000000000", "2019/123456/07",
                "accounts@example-trading.test", ADDRESS);
    }

    public static CrmDeal wonDeal(String dealId, CrmCompany company) {
        return new CrmDeal(dealId, "Annual licence", "default", "closedwon", Instant.parse("2026-02-28T22:30:00Z"),
                new BigDecimal("11500.00"), "ZAR",
                company == null ? List.of() : List.of(company),
                List.of(new CrmContact("8001", "Thandi", "Example", "thandi@example-trading.test")),
                List.of(new CrmLineItem("9001", "Annual licence", null, BigDecimal.ONE, new BigDecimal("10000.00"), null, null,
                                TaxCategory.STANDARD),
                        new CrmLineItem("9002", "Onboarding workshop", null, BigDecimal.ONE, new BigDecimal("1500.00"), null, null,
                                TaxCategory.STANDARD)),
                "https://app.hubspot.com/contacts/" + PORTAL_ID + "/record/0-3/" + dealId);
    }
}
