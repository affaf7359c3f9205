package dev.handoff.accounting;

import dev.handoff.domain.PriceBasis;
import java.time.LocalDate;
import java.util.List;

/**
 * A sales invoice to create. Dates are calendar dates in the organisation's time zone. {@code status} is
 * {@code DRAFT} or {@code AUTHORISED}. {@code reference} identifies the deal, so a retried create can find an
 * invoice that was already made.
 */
public record InvoiceRequest(
        String contactId,
        LocalDate date,
        LocalDate dueDate,
        String reference,
        String url,
        String currencyCode,
        PriceBasis priceBasis,
        String status,
        List<InvoiceLine> lines) {

    public InvoiceRequest {
        lines = List.copyOf(lines);
    }
}
