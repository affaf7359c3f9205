package dev.handoff.service;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An inbound webhook as the sender made it: method, the public URL it called, headers, and the body bytes
 * exactly as received (decoded from base64 when API Gateway encoded them). Header names are matched without
 * regard to case. {@link #toString()} leaves out the headers and body.
 */
public record WebhookRequest(String method, String publicUri, Map<String, String> headers, byte[] body) {

    public WebhookRequest {
        TreeMap<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        caseInsensitive.putAll(headers);
        headers = java.util.Collections.unmodifiableMap(caseInsensitive);
        body = body == null ? new byte[0] : body;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
        return "WebhookRequest[" + method + " " + publicUri + ", " + body.length + " bytes]";
    }
}
