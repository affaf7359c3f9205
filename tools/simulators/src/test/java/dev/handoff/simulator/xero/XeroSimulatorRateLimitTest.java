package dev.handoff.simulator.xero;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.simulator.SimulatedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class XeroSimulatorRateLimitTest {

    private static final String TENANT = "0c6f0a3e-0000-4000-8000-0000000000aa";
    private static final String TOKEN = "test-only-access-token";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void callPastMinuteLimitGets429() throws Exception {
        try (XeroSimulator xero = XeroSimulator.builder().tenant(TENANT).accessToken(TOKEN).rateLimits(1).start()) {
            for (int i = 0; i < XeroRateLimiter.CALLS_PER_MINUTE; i++) {
                assertThat(getTaxRates(xero).statusCode()).as("call %d", i + 1).isEqualTo(200);
            }

            HttpResponse<String> rejected = getTaxRates(xero);

            assertThat(rejected.statusCode()).isEqualTo(429);
            assertThat(rejected.headers().firstValue("X-Rate-Limit-Problem")).hasValue("minute");
            assertThat(rejected.headers().firstValue("Retry-After")).isPresent();
            assertThat(Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
            assertThat(rejected.headers().firstValue("X-MinLimit-Remaining")).hasValue("0");
        }
    }

    @Test
    void limitsAreOffByDefault() throws Exception {
        try (XeroSimulator xero = XeroSimulator.builder().tenant(TENANT).accessToken(TOKEN).start()) {
            for (int i = 0; i <= XeroRateLimiter.CALLS_PER_MINUTE; i++) {
                assertThat(getTaxRates(xero).statusCode()).as("call %d", i + 1).isEqualTo(200);
            }

            assertThat(xero.rateLimiter()).isEmpty();
        }
    }

    @Test
    void listenerSeesEveryTenantRequest() throws Exception {
        List<SimulatedRequest> requests = new CopyOnWriteArrayList<>();
        CountDownLatch reported = new CountDownLatch(1);
        try (XeroSimulator xero = XeroSimulator.builder().tenant(TENANT).accessToken(TOKEN).start()) {
            xero.requestListener(request -> {
                requests.add(request);
                reported.countDown();
            });

            getTaxRates(xero);
            // The client can read the whole response before the simulator's thread calls the listener.
            assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).tenantId()).isEqualTo(TENANT);
        assertThat(requests.get(0).method()).isEqualTo("GET");
        assertThat(requests.get(0).path()).isEqualTo("/api.xro/2.0/TaxRates");
        assertThat(requests.get(0).status()).isEqualTo(200);
        assertThat(requests.get(0).durationNanos()).isNotNegative();
    }

    private HttpResponse<String> getTaxRates(XeroSimulator xero) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(xero.baseUrl() + "/TaxRates"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("xero-tenant-id", TENANT)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
