package dev.handoff.function.invoice;

import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmCompany;
import dev.handoff.crm.CrmContact;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.CrmLineItem;
import dev.handoff.domain.Address;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.NotFoundException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory CRM holding made-up deals, recording every deal update and note. */
final class FakeCrm implements CrmClient {

    final Map<String, CrmDeal> deals = new ConcurrentHashMap<>();
    final List<Map<String, String>> updates = new CopyOnWriteArrayList<>();
    final List<String> notes = new CopyOnWriteArrayList<>();

    /** Returns a finance-ready won deal shaped like the demo portal's deal 48000000001. */
    static CrmDeal wonDeal(String dealId) {
        CrmCompany company = new CrmCompany("7001", "Example Trading", "Example Trading (Pty) Ltd", "4000000000",
                "2019/123456/07", "accounts@example-trading.test",
                new Address("12 Example Street", "Example Park", "Johannesburg", "Gauteng", "2001", "South Africa"));
        return new CrmDeal(dealId, "Example Trading annual licence", "default", "closedwon",
                Instant.parse("2026-02-28T22:30:00Z"), new BigDecimal("11500.00"), "ZAR", List.of(company),
                List.of(new CrmContact("8001", "Thandi", "Example", "thandi@example-trading.test")),
                List.of(new CrmLineItem("9001", "Annual licence", null, BigDecimal.ONE, new BigDecimal("10000.00"), null, null,
                                TaxCategory.STANDARD),
                        new CrmLineItem("9002", "Onboarding workshop", null, BigDecimal.ONE, new BigDecimal("1500.00"), null, null,
                                TaxCategory.STANDARD)),
                "https://app.hubspot.com/contacts/9999999/record/0-3/" + dealId);
    }

    @Override
    public CrmDeal readDeal(String dealId) {
        CrmDeal deal = deals.get(dealId);
        if (deal == null) {
            throw new NotFoundException("HubSpot read deal failed with HTTP 404");
        }
        return deal;
    }

    @Override
    public void updateDeal(String dealId, Map<String, String> properties) {
        updates.add(Map.copyOf(properties));
    }

    @Override
    public void addDealNote(String dealId, String text) {
        notes.add(text);
    }
}
