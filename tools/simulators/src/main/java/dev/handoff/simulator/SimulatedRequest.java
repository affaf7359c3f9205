package dev.handoff.simulator;

/**
 * One request that a simulator served, as reported to a request listener. Times come from
 * {@link System#nanoTime()}, so they compare only with other readings in the same JVM.
 *
 * @param api {@code hubspot} or {@code xero}
 * @param tenantId the {@code xero-tenant-id} header for Xero, null for HubSpot
 * @param method the HTTP method
 * @param path the request path without the query
 * @param status the response status, 429 when a rate limit rejected the request
 * @param startNanos when the simulator began handling the request
 * @param endNanos when the simulator finished sending the response
 */
public record SimulatedRequest(String api, String tenantId, String method, String path, int status, long startNanos,
        long endNanos) {

    public long durationNanos() {
        return endNanos - startNanos;
    }
}
