package dev.handoff.accounting.xero;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class XeroSignatureVerifierTest {

    private static final String KEY =
            "TEST-ONLY-xero-webhook-key-0000000000000000000000000000000000000000000000000000000000==";

    /** Xero's intent-to-receive body, with the spaces after some colons exactly as Xero sends them. */
    private static final byte[] INTENT_TO_RECEIVE = bytes(
            "{\"events\":[],\"firstEventSequence\": 0,\"lastEventSequence\": 0, \"entropy\": \"QWERTYUIOPASDFGHJKLZ\"}");

    private static final byte[] INTENT_TO_RECEIVE_COMPACT = bytes(
            "{\"events\":[],\"firstEventSequence\":0,\"lastEventSequence\":0,\"entropy\":\"QWERTYUIOPASDFGHJKLZ\"}");

    private static final byte[] INVOICE_EVENT = bytes("{\"events\":[{\"resourceUrl\":"
            + "\"https://api.xero.com/api.xro/2.0/Invoices/8e2b1c44-0000-4000-8000-000000000001\","
            + "\"resourceId\":\"8e2b1c44-0000-4000-8000-000000000001\",\"eventDateUtc\":\"2026-02-27T21:55:10.000\","
            + "\"eventType\":\"UPDATE\",\"eventCategory\":\"INVOICE\",\"tenantId\":\"0c6f0a3e-0000-4000-8000-0000000000aa\","
            + "\"tenantType\":\"ORGANISATION\"}],\"firstEventSequence\":41,\"lastEventSequence\":41,"
            + "\"entropy\":\"ZXCVBNMASDFGHJKLQWER\"}");

    private final XeroSignatureVerifier verifier = new XeroSignatureVerifier(KEY);

    @Test
    void signMatchesIntentToReceiveVector() {
        assertThat(XeroSignatureVerifier.sign(KEY, INTENT_TO_RECEIVE))
                .isEqualTo("zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=");
    }

    @Test
    void signMatchesInvoiceEventVector() {
        assertThat(XeroSignatureVerifier.sign(KEY, INVOICE_EVENT))
                .isEqualTo("C5ot7zjkzeVkIa+n27kIfHjWFus03kAp8c/urcHFdEY=");
    }

    @Test
    void rawIntentToReceiveBodyIsValid() {
        assertThat(verifier.isValid(INTENT_TO_RECEIVE, "zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=")).isTrue();
    }

    @Test
    void invoiceEventBodyIsValid() {
        assertThat(verifier.isValid(INVOICE_EVENT, "C5ot7zjkzeVkIa+n27kIfHjWFus03kAp8c/urcHFdEY=")).isTrue();
    }

    @Test
    void reserialisedBodyHashesDifferently() {
        String compactSignature = XeroSignatureVerifier.sign(KEY, INTENT_TO_RECEIVE_COMPACT);

        assertThat(compactSignature).isEqualTo("+DGf04Y0FFupzDzm9gn4l/cb9FKgY6zM6vw+qFQf3kU=");
        assertThat(compactSignature).isNotEqualTo("zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=");
        assertThat(verifier.isValid(INTENT_TO_RECEIVE_COMPACT, "zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE="))
                .isFalse();
    }

    @Test
    void signatureFromWrongKeyIsInvalid() {
        assertThat(XeroSignatureVerifier.sign("WRONG-KEY", INTENT_TO_RECEIVE))
                .isEqualTo("SsYF6RsVDIilkkqmPEhbPuFKKu29I79326jEx8+FvNs=");
        assertThat(verifier.isValid(INTENT_TO_RECEIVE, "SsYF6RsVDIilkkqmPEhbPuFKKu29I79326jEx8+FvNs=")).isFalse();
    }

    @Test
    void missingOrEmptyHeaderIsInvalid() {
        assertThat(verifier.isValid(INTENT_TO_RECEIVE, null)).isFalse();
        assertThat(verifier.isValid(INTENT_TO_RECEIVE, "")).isFalse();
    }

    @Test
    void headerThatIsNotBase64IsInvalid() {
        assertThat(verifier.isValid(INTENT_TO_RECEIVE, "not base64 at all!")).isFalse();
        assertThat(verifier.isValid(INTENT_TO_RECEIVE, "zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqP")).isFalse();
    }

    @Test
    void signIsSingleLineUnlikeLineBreakingEncoders() {
        byte[] digest = Base64.getDecoder().decode("zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=");
        // Ruby's Base64.encode64 and similar helpers end every value with a line feed.
        String lineBreakingValue = Base64.getMimeEncoder().encodeToString(digest) + "\n";

        String signed = XeroSignatureVerifier.sign(KEY, INTENT_TO_RECEIVE);

        assertThat(lineBreakingValue).isEqualTo("zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=\n");
        assertThat(signed).doesNotContain("\n", "\r");
        assertThat(signed).isNotEqualTo(lineBreakingValue);
        assertThat(verifier.isValid(INTENT_TO_RECEIVE, signed)).isTrue();
    }

    @Test
    void headerWithTrailingLineBreakIsInvalid() {
        assertThat(verifier.isValid(INTENT_TO_RECEIVE, "zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=\n")).isFalse();
    }

    @Test
    void blankKeyIsRejected() {
        assertThatThrownBy(() -> new XeroSignatureVerifier(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhook key is blank");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
