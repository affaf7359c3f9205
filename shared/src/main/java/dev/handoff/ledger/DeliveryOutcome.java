package dev.handoff.ledger;

/** Result of recording a webhook delivery with a conditional write on its event id. */
public enum DeliveryOutcome {
    /** First time this event id was seen. */
    NEW,
    /** Seen before and its message was already enqueued: nothing to do. */
    DUPLICATE_ENQUEUED,
    /** Seen before but never confirmed as enqueued (the earlier attempt failed part-way): enqueue again. */
    DUPLICATE_NOT_ENQUEUED
}
