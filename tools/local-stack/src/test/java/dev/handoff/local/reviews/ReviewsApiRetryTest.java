package dev.handoff.local.reviews;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReviewsApi} against a stub of the ops route on 127.0.0.1 that returns 503 with Retry-After a given
 * number of times. The waits are recorded instead of slept, so the test does not depend on timing.
 */
class ReviewsApiRetryTest {

    private final AtomicInteger requests = new AtomicInteger();
    private final List<Duration> waits = new ArrayList<>();
    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void approveWaitsRetryAfterThenSucceeds() throws Exception {
        ReviewsApi api = apiAnswering503(2, "7");

        ReviewsApi.Reply reply = api.approve("hubspot:9999999:48000000001/1", "exempt supply", "finance");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(requests.get()).isEqualTo(3);
        assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
    }

    @Test
    void retriesStopAfterMaxAttempts() throws Exception {
        ReviewsApi api = apiAnswering503(Integer.MAX_VALUE, "1");

        ReviewsApi.Reply reply = api.approve("hubspot:9999999:48000000001/1", "exempt supply", "finance");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(requests.get()).isEqualTo(ReviewsApi.MAX_ATTEMPTS);
        assertThat(waits).hasSize(ReviewsApi.MAX_ATTEMPTS - 1);
    }

    @Test
    void longRetryAfterIsCapped() throws Exception {
        ReviewsApi api = apiAnswering503(1, "86400");

        assertThat(api.show("hubspot:9999999:48000000001/1").status()).isEqualTo(200);
        assertThat(waits).containsExactly(ReviewsApi.MAX_WAIT);
    }

    @Test
    void unavailableWithoutRetryAfterIsReturned() throws Exception {
        ReviewsApi api = apiAnswering503(1, null);

        assertThat(api.show("hubspot:9999999:48000000001/1").status()).isEqualTo(503);
        assertThat(requests.get()).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    /** Starts a stub that returns 503 the first {@code unavailable} times, then 200. */
    private ReviewsApi apiAnswering503(int unavailable, String retryAfter) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ops/reviews", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean busy = requests.incrementAndGet() <= unavailable;
            byte[] body = (busy ? "{\"message\":\"request budget hubspot:portal:9999999 is spent\"}"
                    : "{\"review\":{\"status\":\"APPROVED\"}}").getBytes(StandardCharsets.UTF_8);
            if (busy && retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(busy ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new ReviewsApi(base, Optional.empty(), waits::add);
    }
}
