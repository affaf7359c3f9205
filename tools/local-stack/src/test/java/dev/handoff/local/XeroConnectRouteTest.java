package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.accounting.xero.auth.StoredXeroTokens;
import dev.handoff.accounting.xero.auth.XeroConnectionStatus;
import dev.handoff.accounting.xero.auth.XeroTokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployed connect route on the local stack: {@code /connect/xero} sends the browser to the Xero
 * simulator's consent page, which approves at once and returns to the callback with a code.
 */
class XeroConnectRouteTest {

    private static LocalHandoff local;
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() {
        local = LocalHandoffFixtures.startLocalHandoff();
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void consentStoresTokensForTenant() throws Exception {
        HttpResponse<String> start = get(local.xeroConnectUrl());
        URI consent = location(start);
        URI callback = location(get(consent));

        HttpResponse<String> connected = get(callback);

        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(consent.getQuery()).contains("client_id=" + LocalSettings.XERO_CLIENT_ID).contains("offline_access");
        assertThat(callback.getPath()).isEqualTo(LocalSettings.XERO_CONNECT_CALLBACK_PATH);
        assertThat(connected.statusCode()).isEqualTo(200);
        assertThat(connected.body()).contains(LocalSettings.TENANT_ID).contains("connected");
        StoredXeroTokens stored = store().find(LocalSettings.TENANT_ID).orElseThrow();
        assertThat(stored.status()).isEqualTo(XeroConnectionStatus.CONNECTED);
        assertThat(stored.tokens().refreshToken()).startsWith("sim-refresh-");
    }

    @Test
    void replayedCallbackIsRejected() throws Exception {
        URI callback = location(get(location(get(local.xeroConnectUrl()))));
        assertThat(get(callback).statusCode()).isEqualTo(200);

        HttpResponse<String> replay = get(callback);

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("state");
    }

    @Test
    void forgedStateIsRejected() throws Exception {
        HttpResponse<String> response = get(URI.create(local.xeroConnectUrl() + "/callback?code=code-1&state=forged"));

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void deniedConsentIsBadRequest() throws Exception {
        HttpResponse<String> response = get(URI.create(local.xeroConnectUrl() + "/callback?error=access_denied&state=x"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("access_denied");
    }

    @Test
    void callbackWithoutCodeIsBadRequest() throws Exception {
        assertThat(get(URI.create(local.xeroConnectUrl() + "/callback")).statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI location(HttpResponse<String> response) {
        return URI.create(response.headers().firstValue("Location").orElseThrow(
                () -> new AssertionError("No Location header in HTTP " + response.statusCode() + ": " + response.body())));
    }

    private static XeroTokenStore store() {
        return new XeroTokenStore(local.stack().dynamoDb(), local.stack().resources().tableName("LedgerTable"));
    }
}
