package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Xero's intent-to-receive check, sent over HTTP to the local API Gateway. Xero posts an empty event list once
 * with a correct signature and once with a wrong one, and expects 200 and 401 respectively, each with an empty
 * body.
 */
class XeroIntentToReceiveTest {

    private static final String INTENT_TO_RECEIVE_BODY =
            "{\"events\":[],\"firstEventSequence\": 0,\"lastEventSequence\": 0, \"entropy\": \"QWERTYUIOPASDFGHJKLZ\"}";
    /** HMAC-SHA256 of the body with the local Xero webhook key, base64 encoded. */
    private static final String VALID_SIGNATURE = "zgqZSBXwGaY2y3cpzICjbifyxxKk+oGJKqbZrUNDqPE=";
    private static final String INVALID_SIGNATURE = "SsYF6RsVDIilkkqmPEhbPuFKKu29I79326jEx8+FvNs=";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static LocalHandoff local;

    @BeforeAll
    static void startLocalHandoff() {
        local = LocalHandoffFixtures.startLocalHandoff();
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void validSignatureReturnsEmpty200() throws Exception {
        HttpResponse<String> response = postIntentToReceive(VALID_SIGNATURE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().allValues("set-cookie")).isEmpty();
    }

    @Test
    void invalidSignatureReturnsEmpty401() throws Exception {
        HttpResponse<String> response = postIntentToReceive(INVALID_SIGNATURE);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().allValues("set-cookie")).isEmpty();
    }

    private static HttpResponse<String> postIntentToReceive(String signature) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(local.xeroWebhookUrl())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Xero Webhooks")
                .header("x-xero-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(INTENT_TO_RECEIVE_BODY, StandardCharsets.UTF_8))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
