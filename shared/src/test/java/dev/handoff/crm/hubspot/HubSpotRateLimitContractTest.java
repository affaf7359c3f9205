package dev.handoff.crm.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.handoff.error.NotFoundException;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import dev.handoff.ratelimit.RequestBudget;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Runs {@link HubSpotClient} against WireMock stubs of HubSpot's throttling and failure responses: 429 with and
 * without {@code Retry-After}, the {@code X-HubSpot-RateLimit-*} headers, 5xx and 404 on writes, and the shared
 * request budget.
 */
class HubSpotRateLimitContractTest {

    private static final String TOKEN = "test-only-hubspot-access-token";
    private static final String DEAL_PATH = "/crm/v3/objects/deals/48000000001";
    private static final Instant NOW = Instant.parse("2026-03-01T06:00:00Z");

    private WireMockServer wireMock;
    private MutableClock clock;

    @BeforeEach
    void start() {
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
        clock = new MutableClock(NOW);
    }

    @AfterEach
    void stop() {
        wireMock.stop();
    }

    @Test
    void rateLimitedWithoutRetryAfterWaitsOneWindow() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH)).willReturn(json(429, fixture("error-429.json"))));

        assertThrottledFor(HubSpotRateLimits.DEFAULT_RETRY_AFTER,
                () -> client(HubSpotRateLimits.headersOnly(clock)).readDeal("48000000001"));
    }

    @Test
    void rateLimitedPausesLaterRequestsOfInstance() {
        HubSpotClient client = client(HubSpotRateLimits.headersOnly(clock));
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH))
                .willReturn(json(429, fixture("error-429.json")).withHeader("Retry-After", "7")));
        assertThatThrownBy(() -> client.readDeal("48000000001")).isInstanceOf(ThrottledException.class);

        clock.advance(Duration.ofSeconds(3));

        assertThrottledFor(Duration.ofSeconds(4),
                () -> client.updateDeal("48000000001", Map.of("handoff_status", "INVOICED")));
        assertThat(wireMock.getAllServeEvents()).hasSize(1);
    }

    @Test
    void remainingZeroHeaderPausesForInterval() {
        HubSpotClient client = client(HubSpotRateLimits.headersOnly(clock));
        wireMock.stubFor(patch(urlPathEqualTo(DEAL_PATH)).willReturn(json(200, "{\"id\":\"48000000001\",\"properties\":{}}")
                .withHeader("X-HubSpot-RateLimit-Max", "100")
                .withHeader("X-HubSpot-RateLimit-Remaining", "0")
                .withHeader("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")));
        client.updateDeal("48000000001", Map.of("handoff_status", "INVOICED"));

        assertThrottledFor(Duration.ofSeconds(10),
                () -> client.updateDeal("48000000001", Map.of("handoff_status", "PAID")));

        clock.advance(Duration.ofSeconds(10));
        client.updateDeal("48000000001", Map.of("handoff_status", "PAID"));
        assertThat(wireMock.getAllServeEvents()).hasSize(2);
    }

    @Test
    void remainingRequestsLeaveNoPause() {
        HubSpotClient client = client(HubSpotRateLimits.headersOnly(clock));
        wireMock.stubFor(patch(urlPathEqualTo(DEAL_PATH)).willReturn(json(200, "{\"id\":\"48000000001\",\"properties\":{}}")
                .withHeader("X-HubSpot-RateLimit-Remaining", "99")
                .withHeader("X-HubSpot-RateLimit-Daily-Remaining", "249000")));

        client.updateDeal("48000000001", Map.of("handoff_status", "INVOICED"));
        client.updateDeal("48000000001", Map.of("handoff_status", "PAID"));

        assertThat(wireMock.getAllServeEvents()).hasSize(2);
    }

    @Test
    void dailyRemainingZeroPausesForAnHour() {
        HubSpotClient client = client(HubSpotRateLimits.headersOnly(clock));
        wireMock.stubFor(patch(urlPathEqualTo(DEAL_PATH)).willReturn(json(200, "{\"id\":\"48000000001\",\"properties\":{}}")
                .withHeader("X-HubSpot-RateLimit-Daily", "250000")
                .withHeader("X-HubSpot-RateLimit-Daily-Remaining", "0")));
        client.updateDeal("48000000001", Map.of("handoff_status", "INVOICED"));

        assertThrottledFor(Duration.ofHours(1),
                () -> client.updateDeal("48000000001", Map.of("handoff_status", "PAID")));
    }

    @Test
    void spentSharedBudgetThrottlesBeforeCalling() {
        RecordingBudget budget = new RecordingBudget(1);
        HubSpotClient client = client(HubSpotRateLimits.shared(budget, "9999999", 1, Duration.ofSeconds(10), clock));
        wireMock.stubFor(patch(urlPathEqualTo(DEAL_PATH)).willReturn(json(200, "{\"id\":\"48000000001\",\"properties\":{}}")));
        client.updateDeal("48000000001", Map.of("handoff_status", "INVOICED"));

        assertThatThrownBy(() -> client.updateDeal("48000000001", Map.of("handoff_status", "PAID")))
                .isInstanceOf(ThrottledException.class)
                .hasMessageContaining("hubspot:portal:9999999:10000ms");
        assertThat(budget.scopes).containsExactly("hubspot:portal:9999999:10000ms", "hubspot:portal:9999999:10000ms");
        assertThat(wireMock.getAllServeEvents()).hasSize(1);
    }

    @Test
    void updateDealOfDeletedDealIsNotFound() {
        wireMock.stubFor(patch(urlPathEqualTo(DEAL_PATH)).willReturn(json(404, fixture("error-404.json"))));

        assertThatThrownBy(() -> client(HubSpotRateLimits.headersOnly(clock))
                .updateDeal("48000000001", Map.of("handoff_status", "INVOICED")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageStartingWith("HubSpot update deal failed with HTTP 404");
    }

    @Test
    void updateDealServerErrorIsRetryableNotThrottled() {
        wireMock.stubFor(patch(urlPathEqualTo(DEAL_PATH)).willReturn(json(502,
                "{\"status\":\"error\",\"message\":\"Bad Gateway\",\"category\":\"\"}")));

        assertThatThrownBy(() -> client(HubSpotRateLimits.headersOnly(clock))
                .updateDeal("48000000001", Map.of("handoff_status", "INVOICED")))
                .isInstanceOf(RetryableException.class)
                .isNotInstanceOf(ThrottledException.class)
                .hasMessage("HubSpot update deal failed with HTTP 502");
    }

    @Test
    void addDealNoteRateLimitedIsThrottled() {
        wireMock.stubFor(get(urlPathEqualTo("/crm/v4/objects/deals/48000000001/associations/notes"))
                .willReturn(json(200, "{\"results\":[]}")));
        wireMock.stubFor(post(urlPathEqualTo("/crm/v3/objects/notes"))
                .willReturn(json(429, fixture("error-429.json")).withHeader("Retry-After", "2")));

        assertThrottledFor(Duration.ofSeconds(2),
                () -> client(HubSpotRateLimits.headersOnly(clock)).addDealNote("48000000001", "On hold."));
    }

    @Test
    void throttledMessageLeavesOutResponseBody() {
        wireMock.stubFor(get(urlPathEqualTo(DEAL_PATH)).willReturn(json(429, fixture("error-429.json"))));

        assertThatThrownBy(() -> client(HubSpotRateLimits.headersOnly(clock)).readDeal("48000000001"))
                .hasMessageNotContaining("secondly limit");
        wireMock.verify(1, getRequestedFor(urlPathEqualTo(DEAL_PATH)));
        wireMock.verify(1, anyRequestedFor(anyUrl()));
    }

    private HubSpotClient client(HubSpotRateLimits rateLimits) {
        return HubSpotClient.builder(() -> TOKEN, "9999999")
                .baseUrl(URI.create(wireMock.baseUrl()))
                .requestTimeout(Duration.ofSeconds(2))
                .clock(clock)
                .rateLimits(rateLimits)
                .build();
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8").withBody(body);
    }

    private static String fixture(String name) {
        return new String(HubSpotSignatureVerifierTest.resource("hubspot/" + name), StandardCharsets.UTF_8);
    }

    /** A budget that allows {@code limit} requests in total and records the scopes spent from. */
    private static final class RecordingBudget extends RequestBudget {

        private final int limit;
        private final List<String> scopes = new ArrayList<>();

        RecordingBudget(int limit) {
            super(new UnusedDynamoDb(), "unused");
            this.limit = limit;
        }

        @Override
        public Spent spend(String scope, int ignoredLimit, Duration window, Instant now) {
            scopes.add(scope);
            if (scopes.size() > limit) {
                throw new ThrottledException("request budget " + scope + " is spent", window);
            }
            return new Spent(scope, now.toEpochMilli(), 1);
        }
    }

    private static final class UnusedDynamoDb implements DynamoDbClient {

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }


    /** Asserts that {@code call} throws a {@link ThrottledException} with exactly {@code delay}. */
    private static void assertThrottledFor(Duration delay, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(ThrottledException.class)
                .satisfies(e -> assertThat(((ThrottledException) e).delay()).isEqualTo(delay));
    }
    private static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
