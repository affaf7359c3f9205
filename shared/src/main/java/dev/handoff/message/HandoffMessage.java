package dev.handoff.message;

/** A queue message that names the handoff it belongs to, so failure handling can record against it. */
public interface HandoffMessage {

    /** The handoff key, {@code crm:accountId:dealId}. */
    String handoffKey();
}
