package dev.handoff.crm;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A deal with the associated records Handoff needs, read in one go from the CRM.
 * {@code closeDate} and {@code amount} may be null when the CRM has no value.
 */
public record CrmDeal(
        String id,
        String name,
        String pipeline,
        String stage,
        Instant closeDate,
        BigDecimal amount,
        String currency,
        List<CrmCompany> companies,
        List<CrmContact> contacts,
        List<CrmLineItem> lineItems,
        String recordUrl) {

    public CrmDeal {
        companies = List.copyOf(companies);
        contacts = List.copyOf(contacts);
        lineItems = List.copyOf(lineItems);
    }

    @Override
    public String toString() {
        return "CrmDeal[id=" + id + ", stage=" + stage + ", lineItems=" + lineItems.size() + "]";
    }
}
