package dev.handoff.message;

/** Payment-event queue message: one Xero INVOICE event, to be re-read and synced. */
public record PaymentEventMessage(String tenantId, String invoiceId, String eventDateUtc) {

    public PaymentEventMessage {
        DealWonMessage.requireText(tenantId, "tenantId");
        DealWonMessage.requireText(invoiceId, "invoiceId");
    }
}
