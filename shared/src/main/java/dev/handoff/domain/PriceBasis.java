package dev.handoff.domain;

/** Whether CRM prices include VAT. Maps to Xero's LineAmountTypes {@code Exclusive} or {@code Inclusive}. */
public enum PriceBasis {
    EXCLUSIVE,
    INCLUSIVE
}
