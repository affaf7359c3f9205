package dev.handoff.crm;

/**
 * Deal properties Handoff writes back to the CRM. Accounting facts carry the {@code acct_} prefix, the
 * handoff's own progress the {@code handoff_} prefix. Accounting is the source of truth for every
 * {@code acct_} property, so Handoff never reads them back.
 */
public final class CrmProperties {

    public static final String INVOICE_ID = "acct_invoice_id";
    public static final String INVOICE_NUMBER = "acct_invoice_number";
    public static final String INVOICE_STATUS = "acct_invoice_status";
    public static final String AMOUNT_DUE = "acct_amount_due";
    public static final String AMOUNT_PAID = "acct_amount_paid";
    public static final String AMOUNT_CREDITED = "acct_amount_credited";
    public static final String HANDOFF_STATUS = "handoff_status";
    public static final String BLOCKED_REASON = "handoff_blocked_reason";
    public static final String LAST_SYNCED_AT = "handoff_last_synced_at";

    private CrmProperties() {
    }
}
