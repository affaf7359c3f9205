package dev.handoff.accounting.xero;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies the {@code x-xero-signature} header of a Xero webhook delivery. The header is the standard,
 * non-wrapping Base64 encoding of HMAC-SHA256 over the raw request body, keyed with the webhook key as UTF-8
 * bytes. Verification must run on the exact bytes received: Xero's intent-to-receive bodies contain spaces
 * after some colons, so a body that was parsed and serialised again no longer matches.
 *
 * @see <a href="https://developer.xero.com/documentation/webhooks/configuring-your-server">Xero: configuring
 *     your server for webhooks</a>
 */
public final class XeroSignatureVerifier {

    /** Name of the HTTP header that carries the signature. */
    public static final String SIGNATURE_HEADER = "x-xero-signature";

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public XeroSignatureVerifier(String webhookKey) {
        Objects.requireNonNull(webhookKey, "webhookKey");
        if (webhookKey.isBlank()) {
            throw new IllegalArgumentException("Xero webhook key is blank: set the key shown in the Xero app's webhook settings");
        }
        this.key = new SecretKeySpec(webhookKey.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /**
     * Returns whether {@code signatureHeader} is the signature of {@code rawBody}. A missing header, a header
     * that is not valid Base64 and a header with surrounding whitespace or line breaks are all invalid. The
     * decoded bytes are compared in constant time.
     */
    public boolean isValid(byte[] rawBody, String signatureHeader) {
        Objects.requireNonNull(rawBody, "rawBody");
        if (signatureHeader == null || signatureHeader.isEmpty()) {
            return false;
        }

        byte[] received;
        try {
            received = Base64.getDecoder().decode(signatureHeader);
        } catch (IllegalArgumentException e) {
            return false;
        }

        return MessageDigest.isEqual(hmac(key, rawBody), received);
    }

    /**
     * Computes the {@code x-xero-signature} value for a body, as Xero does. Used by tests, the simulator and
     * the demo to sign deliveries.
     */
    public static String sign(String webhookKey, byte[] rawBody) {
        Objects.requireNonNull(webhookKey, "webhookKey");
        Objects.requireNonNull(rawBody, "rawBody");
        SecretKeySpec spec = new SecretKeySpec(webhookKey.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        return Base64.getEncoder().encodeToString(hmac(spec, rawBody));
    }

    private static byte[] hmac(SecretKeySpec spec, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(spec);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java SE runtime ships HmacSHA256, and any non-empty key is valid for it.
            throw new IllegalStateException("HmacSHA256 is not available in this Java runtime", e);
        }
    }
}
