package dev.handoff.review;

/** Decision state of a review item: pending until a person approves or rejects it. */
public enum ReviewStatus {
    PENDING,
    APPROVED,
    REJECTED
}
