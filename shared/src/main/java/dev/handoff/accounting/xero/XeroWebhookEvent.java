package dev.handoff.accounting.xero;

import java.time.Instant;

/**
 * One event of a Xero webhook delivery. Events carry no record data: read {@code resourceUrl} with the
 * tenant's token to see the change. {@code eventType} is CREATE or UPDATE, {@code eventCategory} is for
 * example INVOICE or CONTACT, and {@code tenantType} is ORGANISATION or APPLICATION.
 *
 * @see <a href="https://developer.xero.com/documentation/webhooks/configuring-your-server">Xero webhooks</a>
 */
public record XeroWebhookEvent(
        String resourceUrl,
        String resourceId,
        Instant eventDateUtc,
        String eventType,
        String eventCategory,
        String tenantId,
        String tenantType) {

    public boolean isInvoiceEvent() {
        return "INVOICE".equals(eventCategory);
    }
}
