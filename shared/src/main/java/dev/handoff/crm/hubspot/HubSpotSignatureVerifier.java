package dev.handoff.crm.hubspot;

import dev.handoff.crm.hubspot.SignatureCheck.Outcome;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies that a webhook request was signed by HubSpot with the app's client secret, following
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 * and https://developers.hubspot.com/changelog/introducing-version-3-of-webhook-signatures .
 *
 * <p>Version 3 is {@code Base64(HMAC-SHA256(clientSecret, method + uri + rawBody + timestamp))}, where the
 * timestamp is the {@code X-HubSpot-Request-Timestamp} header exactly as sent (integer milliseconds). A request
 * whose timestamp is more than {@link #MAX_TIMESTAMP_SKEW_MILLIS} from the clock is rejected, which limits
 * replays. The legacy versions are v1, {@code hex(SHA-256(clientSecret + rawBody))}, and v2,
 * {@code hex(SHA-256(clientSecret + method + uri + rawBody))}. They carry no timestamp, so a captured request
 * can be replayed forever, and this verifier accepts them only when constructed with
 * {@code acceptLegacySignatures}.
 *
 * <p>The body is hashed as the exact bytes received: parsing and re-serialising the JSON, or decoding and
 * re-encoding it, changes escapes such as {@code \u00e4} and breaks the signature. The {@code uri} must be the
 * URL HubSpot called (scheme, host, path and raw query), not the path an API gateway forwards internally.
 */
public final class HubSpotSignatureVerifier {

    public static final String SIGNATURE_V3_HEADER = "X-HubSpot-Signature-v3";
    public static final String TIMESTAMP_HEADER = "X-HubSpot-Request-Timestamp";
    public static final String SIGNATURE_HEADER = "X-HubSpot-Signature";
    public static final String SIGNATURE_VERSION_HEADER = "X-HubSpot-Signature-Version";

    /** Maximum distance between the request timestamp and the clock, in either direction: five minutes. */
    public static final long MAX_TIMESTAMP_SKEW_MILLIS = 300_000L;

    private static final String HMAC_SHA256 = "HmacSHA256";

    // Long.MAX_VALUE has 19 digits, so 18 digits always parse. Milliseconds stay at 13 digits until the year 2286.
    private static final int MAX_TIMESTAMP_DIGITS = 18;

    private final String clientSecret;
    private final Clock clock;
    private final boolean acceptLegacySignatures;

    /** Creates a verifier that accepts only v3 signatures. */
    public HubSpotSignatureVerifier(String clientSecret, Clock clock) {
        this(clientSecret, clock, false);
    }

    /**
     * Creates a verifier. With {@code acceptLegacySignatures}, a request without an {@code X-HubSpot-Signature-v3}
     * header is checked against {@code X-HubSpot-Signature} using the version named in
     * {@code X-HubSpot-Signature-Version}.
     */
    public HubSpotSignatureVerifier(String clientSecret, Clock clock, boolean acceptLegacySignatures) {
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(clock, "clock");
        if (clientSecret.isEmpty()) {
            throw new IllegalArgumentException("HubSpot client secret is empty: set HUBSPOT_CLIENT_SECRET");
        }
        this.clientSecret = clientSecret;
        this.clock = clock;
        this.acceptLegacySignatures = acceptLegacySignatures;
    }

    /**
     * Checks the request's signature headers. Header names are matched case-insensitively, because API gateways
     * often lower-case them. A v3 signature, when present, is the only one checked.
     */
    public SignatureCheck verify(String method, String uri, Map<String, String> headers, byte[] rawBody) {
        Objects.requireNonNull(headers, "headers");

        String v3Signature = header(headers, SIGNATURE_V3_HEADER);
        if (v3Signature != null || !acceptLegacySignatures) {
            return verifyV3(method, uri, rawBody, v3Signature, header(headers, TIMESTAMP_HEADER));
        }
        return verifyLegacy(method, uri, rawBody,
                header(headers, SIGNATURE_HEADER), header(headers, SIGNATURE_VERSION_HEADER));
    }

    /** Checks a v3 signature and the freshness of its timestamp. Arguments are the raw header values. */
    public SignatureCheck verifyV3(String method, String uri, byte[] rawBody, String signature, String timestamp) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(rawBody, "rawBody");
        if (isBlank(signature)) {
            return SignatureCheck.rejected(Outcome.MISSING_HEADER, "missing header " + SIGNATURE_V3_HEADER);
        }
        if (isBlank(timestamp)) {
            return SignatureCheck.rejected(Outcome.MISSING_HEADER, "missing header " + TIMESTAMP_HEADER);
        }
        if (!isMilliseconds(timestamp)) {
            return SignatureCheck.rejected(Outcome.INVALID_TIMESTAMP,
                    "header " + TIMESTAMP_HEADER + " is not an integer number of milliseconds");
        }

        long skew = clock.millis() - Long.parseLong(timestamp);
        if (Math.abs(skew) > MAX_TIMESTAMP_SKEW_MILLIS) {
            String direction = skew > 0 ? "older" : "newer";
            return SignatureCheck.rejected(Outcome.STALE_TIMESTAMP, "request timestamp is " + Math.abs(skew)
                    + " ms " + direction + " than the clock, more than the " + MAX_TIMESTAMP_SKEW_MILLIS
                    + " ms allowed");
        }

        byte[] received;
        try {
            received = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            return SignatureCheck.rejected(Outcome.MISMATCH, "header " + SIGNATURE_V3_HEADER + " is not valid Base64");
        }
        byte[] expected = hmacSha256(clientSecret, v3Message(method, uri, rawBody, timestamp));
        if (!MessageDigest.isEqual(expected, received)) {
            return SignatureCheck.rejected(Outcome.MISMATCH, "header " + SIGNATURE_V3_HEADER
                    + " does not match the request: check the client secret and the public webhook URL");
        }
        return SignatureCheck.valid("v3");
    }

    /** Checks a v1 or v2 signature. Arguments are the raw header values. Neither version protects against replay. */
    public SignatureCheck verifyLegacy(String method, String uri, byte[] rawBody, String signature, String version) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(rawBody, "rawBody");
        if (isBlank(version)) {
            return SignatureCheck.rejected(Outcome.MISSING_HEADER,
                    "missing headers " + SIGNATURE_V3_HEADER + " and " + SIGNATURE_VERSION_HEADER);
        }
        if (isBlank(signature)) {
            return SignatureCheck.rejected(Outcome.MISSING_HEADER, "missing header " + SIGNATURE_HEADER);
        }

        byte[] expected;
        String normalisedVersion = version.trim().toLowerCase(Locale.ROOT);
        if (normalisedVersion.equals("v1")) {
            expected = sha256(concat(utf8(clientSecret), rawBody));
        } else if (normalisedVersion.equals("v2")) {
            expected = sha256(concat(utf8(clientSecret + method + uri), rawBody));
        } else {
            return SignatureCheck.rejected(Outcome.UNSUPPORTED_VERSION,
                    "header " + SIGNATURE_VERSION_HEADER + " must be v1 or v2");
        }

        byte[] received;
        try {
            received = HexFormat.of().parseHex(signature.trim());
        } catch (IllegalArgumentException e) {
            return SignatureCheck.rejected(Outcome.MISMATCH, "header " + SIGNATURE_HEADER + " is not valid hex");
        }
        if (!MessageDigest.isEqual(expected, received)) {
            return SignatureCheck.rejected(Outcome.MISMATCH, "header " + SIGNATURE_HEADER + " (" + normalisedVersion
                    + ") does not match the request: check the client secret and the public webhook URL");
        }
        return SignatureCheck.valid(normalisedVersion);
    }

    /** Computes the v3 signature header value, for senders and tests. {@code timestamp} is used as given. */
    public static String signV3(String clientSecret, String method, String uri, byte[] rawBody, String timestamp) {
        return Base64.getEncoder().encodeToString(hmacSha256(clientSecret, v3Message(method, uri, rawBody, timestamp)));
    }

    /** Computes the v1 signature header value (lower-case hex), for senders and tests. */
    public static String signV1(String clientSecret, byte[] rawBody) {
        return HexFormat.of().formatHex(sha256(concat(utf8(clientSecret), rawBody)));
    }

    /** Computes the v2 signature header value (lower-case hex), for senders and tests. */
    public static String signV2(String clientSecret, String method, String uri, byte[] rawBody) {
        return HexFormat.of().formatHex(sha256(concat(utf8(clientSecret + method + uri), rawBody)));
    }

    // The message is assembled as bytes so that the body is hashed exactly as received, never re-encoded.
    private static byte[] v3Message(String method, String uri, byte[] rawBody, String timestamp) {
        ByteArrayOutputStream message = new ByteArrayOutputStream(rawBody.length + uri.length() + 32);
        message.writeBytes(utf8(method + uri));
        message.writeBytes(rawBody);
        message.writeBytes(utf8(timestamp));
        return message.toByteArray();
    }

    private static byte[] hmacSha256(String key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(utf8(key), HMAC_SHA256));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    private static byte[] sha256(byte[] message) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isMilliseconds(String timestamp) {
        if (timestamp.length() > MAX_TIMESTAMP_DIGITS) {
            return false;
        }
        for (int i = 0; i < timestamp.length(); i++) {
            char c = timestamp.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static String header(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "HubSpotSignatureVerifier[acceptLegacySignatures=" + acceptLegacySignatures + "]";
    }
}
