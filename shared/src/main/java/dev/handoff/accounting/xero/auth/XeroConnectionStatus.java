package dev.handoff.accounting.xero.auth;

/** Whether Handoff can call Xero for a tenant. */
public enum XeroConnectionStatus {
    /** The stored tokens work or can be refreshed. */
    CONNECTED,
    /** Xero rejected the refresh token, so a person must run the connect flow again. */
    REAUTH_REQUIRED
}
