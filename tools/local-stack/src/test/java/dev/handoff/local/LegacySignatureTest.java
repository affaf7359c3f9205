package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.domain.HandoffState;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A delivery signed only with the legacy {@code X-HubSpot-Signature} v1, as older HubSpot apps send it, is
 * checked by that version and starts the handoff. The headers sent choose the signature version.
 */
class LegacySignatureTest {

    private static final String DEAL_ID = "48000000601";

    private static LocalHandoff local;

    @BeforeAll
    static void startLocalHandoff() {
        local = LocalHandoffFixtures.startLocalHandoff();
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), DEAL_ID, "Waterberg Game Lodge (Pty) Ltd",
                "accounts@waterberg-lodge.example.test", "4100000601");
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void v1SignedDeliveryIsInvoiced() throws Exception {
        byte[] body = LocalHandoffFixtures.wonEventBody(3000000601L, DEAL_ID, 0);

        HttpResponse<String> response = postV1(body, WebhookSender.signV1(LocalSettings.HUBSPOT_CLIENT_SECRET, body));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(LocalHandoffFixtures.handoff(local, DEAL_ID).state()).isEqualTo(HandoffState.INVOICED);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, DEAL_ID)).hasSize(1);
    }

    @Test
    void v1SignatureOfOtherBodyIsRejected() throws Exception {
        byte[] body = LocalHandoffFixtures.wonEventBody(3000000602L, DEAL_ID, 0);
        byte[] other = LocalHandoffFixtures.wonEventBody(3000000603L, DEAL_ID, 0);

        HttpResponse<String> response = postV1(body, WebhookSender.signV1(LocalSettings.HUBSPOT_CLIENT_SECRET, other));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> postV1(byte[] body, String signature) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(local.hubSpotWebhookUrl())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-HubSpot-Signature-Version", "v1")
                .header("X-HubSpot-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
