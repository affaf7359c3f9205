package dev.handoff.accounting.xero;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class XeroWebhookParserTest {

    private static final String KEY =
            "TEST-ONLY-xero-webhook-key-0000000000000000000000000000000000000000000000000000000000==";

    private final XeroWebhookParser parser = new XeroWebhookParser();

    @Test
    void invoiceUpdateFixtureParses() {
        byte[] body = resource("webhook-invoice-update.json");

        XeroWebhookPayload payload = parser.parse(body);

        assertThat(payload.firstEventSequence()).isEqualTo(41);
        assertThat(payload.lastEventSequence()).isEqualTo(41);
        assertThat(payload.entropy()).isEqualTo("ZXCVBNMASDFGHJKLQWER");
        assertThat(payload.isIntentToReceive()).isFalse();
        assertThat(payload.events()).hasSize(1);
        XeroWebhookEvent event = payload.events().get(0);
        assertThat(event.resourceUrl())
                .isEqualTo("https://api.xero.com/api.xro/2.0/Invoices/8e2b1c44-0000-4000-8000-000000000001");
        assertThat(event.resourceId()).isEqualTo("8e2b1c44-0000-4000-8000-000000000001");
        assertThat(event.eventDateUtc()).isEqualTo(Instant.parse("2026-02-27T21:55:10Z"));
        assertThat(event.eventType()).isEqualTo("UPDATE");
        assertThat(event.eventCategory()).isEqualTo("INVOICE");
        assertThat(event.isInvoiceEvent()).isTrue();
        assertThat(event.tenantId()).isEqualTo("0c6f0a3e-0000-4000-8000-0000000000aa");
        assertThat(event.tenantType()).isEqualTo("ORGANISATION");
    }

    @Test
    void fixturesKeepTheirSignedBytes() {
        assertThat(XeroSignatureVerifier.sign(KEY, resource("webhook-invoice-update.json")))
                .isEqualTo("C5ot7zjkzeVkIa+n27kIfHjWFus03kAp8c/urcHFdEY=");
        assertThat(XeroSignatureVerifier.sign(KEY, resource("webhook-intent-to-receive.json")))
                .isEqualTo("zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=");
    }

    @Test
    void intentToReceiveHasNoEvents() {
        XeroWebhookPayload payload = parser.parse(resource("webhook-intent-to-receive.json"));

        assertThat(payload.isIntentToReceive()).isTrue();
        assertThat(payload.firstEventSequence()).isZero();
        assertThat(payload.entropy()).isEqualTo("QWERTYUIOPASDFGHJKLZ");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                                   | body is empty",
        "not json                                             | not valid JSON",
        "[]                                                   | not a JSON object",
        "{}                                                   | no 'events' array",
        "{\"events\":{}}                                      | no 'events' array",
        "{\"events\":[],\"lastEventSequence\":0}              | missing 'firstEventSequence'",
        "{\"events\":[],\"firstEventSequence\":\"x\",\"lastEventSequence\":0} | firstEventSequence must be an integer",
        "{\"events\":[1],\"firstEventSequence\":1,\"lastEventSequence\":1} | events[0] is not a JSON object",
        "{\"events\":[{}],\"firstEventSequence\":1,\"lastEventSequence\":1} | events[0] is missing 'resourceUrl'",
    })
    void malformedBodyIsRejected(String body, String expectedMessagePart) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> parser.parse(bytes))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining(expectedMessagePart);
    }

    @Test
    void invalidEventDateIsRejected() {
        String body = new String(resource("webhook-invoice-update.json"), StandardCharsets.UTF_8)
                .replace("2026-02-27T21:55:10.000", "27/02/2026");

        assertThatThrownBy(() -> parser.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("Xero webhook events[0].eventDateUtc is not an ISO-8601 date-time");
    }

    @Test
    void blankTenantIdIsRejected() {
        String body = new String(resource("webhook-invoice-update.json"), StandardCharsets.UTF_8)
                .replace("0c6f0a3e-0000-4000-8000-0000000000aa", " ");

        assertThatThrownBy(() -> parser.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("Xero webhook events[0].tenantId must be a non-blank string");
    }

    static byte[] resource(String name) {
        try (InputStream in = XeroWebhookParserTest.class.getResourceAsStream("/xero/" + name)) {
            if (in == null) {
                throw new IllegalStateException("Missing test resource /xero/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
