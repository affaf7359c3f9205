package dev.handoff.message;

/** Invoice-request queue message: the handoff whose customer is ready. */
public record InvoiceRequestMessage(String handoffKey) implements HandoffMessage {

    public InvoiceRequestMessage {
        DealWonMessage.requireHandoffKey(handoffKey);
    }
}
