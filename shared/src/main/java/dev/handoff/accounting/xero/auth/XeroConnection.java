package dev.handoff.accounting.xero.auth;

/**
 * One organisation the user authorised, as {@code GET /connections} returns it. {@code tenantName} is the
 * organisation's name, so {@link #toString()} leaves it out.
 */
public record XeroConnection(String connectionId, String tenantId, String tenantType, String tenantName) {

    @Override
    public String toString() {
        return "XeroConnection[tenantId=" + tenantId + ", tenantType=" + tenantType + "]";
    }
}
