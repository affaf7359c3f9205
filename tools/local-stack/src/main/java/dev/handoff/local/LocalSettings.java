package dev.handoff.local;

/**
 * Identifiers and test-only secrets of the local stack. They match the sample events in events/, so a sample
 * webhook signed with them verifies. None of them is valid anywhere but on 127.0.0.1.
 */
public final class LocalSettings {

    public static final String PORTAL_ID = "9999999";
    public static final String TENANT_ID = "0c6f0a3e-0000-4000-8000-0000000000aa";
    public static final String HUBSPOT_CLIENT_SECRET = "test-only-hubspot-client-secret-0000";
    public static final String HUBSPOT_ACCESS_TOKEN = "test-only-hubspot-access-token";
    public static final String XERO_ACCESS_TOKEN = "test-only-xero-access-token";
    public static final String XERO_CLIENT_ID = "test-only-xero-client-id";
    public static final String XERO_CLIENT_SECRET = "test-only-xero-client-secret";
    /** Refresh token the simulator accepts once; the functions rotate it through the ledger from then on. */
    public static final String XERO_REFRESH_TOKEN = "test-only-xero-refresh-token-0";
    public static final String XERO_WEBHOOK_KEY =
            "TEST-ONLY-xero-webhook-key-0000000000000000000000000000000000000000000000000000000000==";
    public static final int DEFAULT_API_PORT = 3000;
    public static final String HUBSPOT_WEBHOOK_PATH = "/webhooks/hubspot";
    public static final String XERO_WEBHOOK_PATH = "/webhooks/xero";
    public static final String XERO_CONNECT_PATH = "/connect/xero";
    public static final String XERO_CONNECT_CALLBACK_PATH = "/connect/xero/callback";
    public static final String SAMPLE_HUBSPOT_EVENT = "events/hubspot-deal-won-webhook.json";

    private LocalSettings() {
    }
}
