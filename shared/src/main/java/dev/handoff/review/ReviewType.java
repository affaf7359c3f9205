package dev.handoff.review;

/** Kinds of decision that Handoff leaves to a person. Each puts the handoff on hold until a person decides. */
public enum ReviewType {
    /** A price below the catalogue, a large discount, or an amount changed after invoicing. */
    PRICING_OVERRIDE,
    /** A large first invoice to a new customer, a customer over its credit limit or with overdue invoices. */
    CREDIT_DECISION,
    /** Zero-rated or exempt lines, foreign-currency standard-rated supplies, missing VAT or registration numbers. */
    TAX_EXCEPTION,
    /** Ambiguous or archived-only customer matches, and merged records. */
    CUSTOMER_MERGE,
    /** A deal moved out of won, lost or deleted after invoicing, or an invoice voided while the deal is still won. */
    COMMERCIAL_DISPUTE
}
