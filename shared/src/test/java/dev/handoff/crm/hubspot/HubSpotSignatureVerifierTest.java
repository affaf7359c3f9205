package dev.handoff.crm.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.crm.hubspot.SignatureCheck.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Signature vectors were computed with Python's hmac, hashlib and base64 over the exact bytes of
 * {@code hubspot/webhook-deal-closedwon.json}. They come from no vendor source.
 */
class HubSpotSignatureVerifierTest {

    private static final String SECRET = "test-only-hubspot-client-secret-0000";
    private static final String URI = "https://hooks.example.test/hubspot/webhook";
    private static final String TIMESTAMP = "1760000000000";
    private static final String V1 = "7b1efa9abc41b6be19fa431f2bde71d7f642896caa1eecbed72bb78281c57399";
    private static final String V2 = "693b7ebf78e00119c86e0e0aecc825f7525edc20b8e944d269abdc24949f34b1";
    private static final String V3 = "oOcv4q7uNZiu4/wEVXhK5N4WV0xpbURxG1Zte2UGLgk=";
    private static final String V3_FLOAT_TIMESTAMP = "Fzs0VSxZv6k3eFzkam3Y1QeY7qASj1FibESOWdF/Y0Y=";
    private static final String V3_WITH_QUERY = "okotyl77HSDbb9InaUz69m58BIEZgJj0+qhVRuRA5Io=";

    private final byte[] body = resource("hubspot/webhook-deal-closedwon.json");

    @Test
    void signV3MatchesComputedVectors() {
        assertThat(HubSpotSignatureVerifier.signV3(SECRET, "POST", URI, body, TIMESTAMP)).isEqualTo(V3);
        assertThat(HubSpotSignatureVerifier.signV3(SECRET, "POST", URI, body, "1760000000000.0"))
                .isEqualTo(V3_FLOAT_TIMESTAMP);
        assertThat(HubSpotSignatureVerifier.signV3(SECRET, "POST", URI + "?tenant=za-001", body, TIMESTAMP))
                .isEqualTo(V3_WITH_QUERY);
    }

    @Test
    void signLegacyMatchesComputedVectors() {
        assertThat(HubSpotSignatureVerifier.signV1(SECRET, body)).isEqualTo(V1);
        assertThat(HubSpotSignatureVerifier.signV2(SECRET, "POST", URI, body)).isEqualTo(V2);
    }

    @Test
    void v3ValidOneMinuteAfterTimestamp() {
        SignatureCheck check = verifierAt(1_760_000_060_000L).verify("POST", URI, v3Headers(V3, TIMESTAMP), body);

        assertThat(check.isValid()).as(check.message()).isTrue();
        assertThat(check.outcome()).isEqualTo(Outcome.VALID);
    }

    @Test
    void v3ValidAtExactlyFiveMinutes() {
        SignatureCheck check = verifierAt(1_760_000_300_000L).verify("POST", URI, v3Headers(V3, TIMESTAMP), body);

        assertThat(check.outcome()).isEqualTo(Outcome.VALID);
    }

    @Test
    void v3StaleOneMillisecondPastFiveMinutes() {
        SignatureCheck check = verifierAt(1_760_000_300_001L).verify("POST", URI, v3Headers(V3, TIMESTAMP), body);

        assertThat(check.outcome()).isEqualTo(Outcome.STALE_TIMESTAMP);
        assertThat(check.message()).contains("300001 ms older");
    }

    @Test
    void v3RejectsTimestampFarInFuture() {
        SignatureCheck check = verifierAt(1_759_999_699_999L).verify("POST", URI, v3Headers(V3, TIMESTAMP), body);

        assertThat(check.outcome()).isEqualTo(Outcome.STALE_TIMESTAMP);
        assertThat(check.message()).contains("newer");
    }

    @Test
    void v3RejectsFloatTimestamp() {
        SignatureCheck check = verifierAt(1_760_000_060_000L)
                .verify("POST", URI, v3Headers(V3_FLOAT_TIMESTAMP, "1760000000000.0"), body);

        assertThat(check.outcome()).isEqualTo(Outcome.INVALID_TIMESTAMP);
        assertThat(check.message()).contains(HubSpotSignatureVerifier.TIMESTAMP_HEADER);
    }

    @Test
    void v3RejectsTimestampWithPlusSign() {
        SignatureCheck check = verifierAt(1_760_000_060_000L)
                .verify("POST", URI, v3Headers(V3, "+1760000000000"), body);

        assertThat(check.outcome()).isEqualTo(Outcome.INVALID_TIMESTAMP);
    }

    @Test
    void v3QueryStringIsSigned() {
        HubSpotSignatureVerifier verifier = verifierAt(1_760_000_060_000L);

        SignatureCheck withQuery = verifier.verify("POST", URI + "?tenant=za-001",
                v3Headers(V3_WITH_QUERY, TIMESTAMP), body);
        SignatureCheck withoutQuery = verifier.verify("POST", URI, v3Headers(V3_WITH_QUERY, TIMESTAMP), body);

        assertThat(withQuery.outcome()).isEqualTo(Outcome.VALID);
        assertThat(withoutQuery.outcome()).isEqualTo(Outcome.MISMATCH);
    }

    @Test
    void v3MismatchWhenBodyChangesByOneByte() {
        byte[] tampered = body.clone();
        tampered[tampered.length - 3] = (byte) '5';

        SignatureCheck check = verifierAt(1_760_000_060_000L).verify("POST", URI, v3Headers(V3, TIMESTAMP), tampered);

        assertThat(check.outcome()).isEqualTo(Outcome.MISMATCH);
    }

    @Test
    void v3MismatchWithWrongSecret() {
        HubSpotSignatureVerifier verifier = new HubSpotSignatureVerifier("another-test-only-secret", clockAt(1_760_000_060_000L));

        SignatureCheck check = verifier.verify("POST", URI, v3Headers(V3, TIMESTAMP), body);

        assertThat(check.outcome()).isEqualTo(Outcome.MISMATCH);
    }

    @Test
    void v3MismatchWhenSignatureIsNotBase64() {
        SignatureCheck check = verifierAt(1_760_000_060_000L).verify("POST", URI, v3Headers("not*base64", TIMESTAMP), body);

        assertThat(check.outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(check.message()).contains("Base64");
    }

    @Test
    void v3HeaderNamesAreCaseInsensitive() {
        Map<String, String> headers = Map.of(
                "x-hubspot-signature-v3", V3,
                "x-hubspot-request-timestamp", TIMESTAMP);

        SignatureCheck check = verifierAt(1_760_000_060_000L).verify("POST", URI, headers, body);

        assertThat(check.outcome()).isEqualTo(Outcome.VALID);
    }

    @Test
    void v3MissingSignatureHeader() {
        SignatureCheck check = verifierAt(1_760_000_060_000L)
                .verify("POST", URI, Map.of(HubSpotSignatureVerifier.TIMESTAMP_HEADER, TIMESTAMP), body);

        assertThat(check.outcome()).isEqualTo(Outcome.MISSING_HEADER);
        assertThat(check.message()).isEqualTo("missing header X-HubSpot-Signature-v3");
    }

    @Test
    void v3MissingTimestampHeader() {
        SignatureCheck check = verifierAt(1_760_000_060_000L)
                .verify("POST", URI, Map.of(HubSpotSignatureVerifier.SIGNATURE_V3_HEADER, V3), body);

        assertThat(check.outcome()).isEqualTo(Outcome.MISSING_HEADER);
        assertThat(check.message()).isEqualTo("missing header X-HubSpot-Request-Timestamp");
    }

    @Test
    void v3OnlyVerifierIgnoresLegacyHeaders() {
        SignatureCheck check = verifierAt(1_760_000_060_000L).verify("POST", URI, legacyHeaders("v1", V1), body);

        assertThat(check.outcome()).isEqualTo(Outcome.MISSING_HEADER);
    }

    @Test
    void legacyV1AndV2ValidWhenAccepted() {
        HubSpotSignatureVerifier verifier = legacyVerifier();

        assertThat(verifier.verify("POST", URI, legacyHeaders("v1", V1), body).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify("POST", URI, legacyHeaders("v2", V2), body).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify("POST", URI, legacyHeaders("v1", V1.toUpperCase()), body).outcome())
                .isEqualTo(Outcome.VALID);
    }

    @Test
    void legacyVersionMismatch() {
        HubSpotSignatureVerifier verifier = legacyVerifier();

        assertThat(verifier.verify("POST", URI, legacyHeaders("v2", V1), body).outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(verifier.verify("POST", URI + "?x=1", legacyHeaders("v2", V2), body).outcome())
                .isEqualTo(Outcome.MISMATCH);
    }

    @Test
    void legacyUnsupportedVersion() {
        SignatureCheck check = legacyVerifier().verify("POST", URI, legacyHeaders("v9", V1), body);

        assertThat(check.outcome()).isEqualTo(Outcome.UNSUPPORTED_VERSION);
    }

    @Test
    void legacyAcceptedVerifierStillPrefersV3() {
        Map<String, String> headers = new HashMap<>(legacyHeaders("v1", V1));
        headers.put(HubSpotSignatureVerifier.SIGNATURE_V3_HEADER, V3);
        headers.put(HubSpotSignatureVerifier.TIMESTAMP_HEADER, TIMESTAMP);

        SignatureCheck check = new HubSpotSignatureVerifier(SECRET, clockAt(1_760_000_300_001L), true)
                .verify("POST", URI, headers, body);

        assertThat(check.outcome()).isEqualTo(Outcome.STALE_TIMESTAMP);
    }

    @Test
    void messagesNeverContainSecretOrBody() {
        HubSpotSignatureVerifier verifier = legacyVerifier();
        String bodyText = new String(body, StandardCharsets.UTF_8);

        for (SignatureCheck check : new SignatureCheck[] {
                verifier.verify("POST", URI, v3Headers("AAAA", TIMESTAMP), body),
                verifier.verify("POST", URI, v3Headers(V3, "abc"), body),
                verifier.verify("POST", URI, legacyHeaders("v1", "00"), body),
                verifier.verify("POST", URI, v3Headers(V3, TIMESTAMP), body)}) {
            assertThat(check.message()).doesNotContain(SECRET).doesNotContain(bodyText).doesNotContain("closedwon");
        }
        assertThat(verifier.toString()).doesNotContain(SECRET);
    }

    private static HubSpotSignatureVerifier verifierAt(long epochMillis) {
        return new HubSpotSignatureVerifier(SECRET, clockAt(epochMillis));
    }

    private static HubSpotSignatureVerifier legacyVerifier() {
        return new HubSpotSignatureVerifier(SECRET, clockAt(1_760_000_060_000L), true);
    }

    private static Clock clockAt(long epochMillis) {
        return Clock.fixed(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    private static Map<String, String> v3Headers(String signature, String timestamp) {
        return Map.of(
                HubSpotSignatureVerifier.SIGNATURE_V3_HEADER, signature,
                HubSpotSignatureVerifier.TIMESTAMP_HEADER, timestamp);
    }

    private static Map<String, String> legacyHeaders(String version, String signature) {
        return Map.of(
                HubSpotSignatureVerifier.SIGNATURE_VERSION_HEADER, version,
                HubSpotSignatureVerifier.SIGNATURE_HEADER, signature);
    }

    static byte[] resource(String name) {
        try (InputStream in = HubSpotSignatureVerifierTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource not found: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read test resource " + name, e);
        }
    }
}
