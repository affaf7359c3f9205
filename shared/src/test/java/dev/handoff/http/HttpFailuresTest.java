package dev.handoff.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.error.RetryableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpFailuresTest {

    @ParameterizedTest
    @CsvSource({
        "429, dev.handoff.error.RetryableException",
        "409, dev.handoff.error.RetryableException",
        "500, dev.handoff.error.RetryableException",
        "503, dev.handoff.error.RetryableException",
        "401, dev.handoff.error.ConfigurationException",
        "403, dev.handoff.error.ConfigurationException",
        "404, dev.handoff.error.NotFoundException",
        "400, dev.handoff.error.DataException",
        "422, dev.handoff.error.DataException",
    })
    void statusMapsToFailureClass(int status, Class<?> expected) {
        assertThat(HttpFailures.classify("Xero", "create invoice", response(status, Map.of()))).isExactlyInstanceOf(expected);
    }

    @ParameterizedTest
    @CsvSource({"37, 37", "not-a-number, -1"})
    void retryAfterReadAsSeconds(String header, long expectedSeconds) {
        var failure = (RetryableException) HttpFailures.classify("Xero", "create invoice",
                response(429, Map.of("Retry-After", List.of(header))));

        assertThat(failure.retryAfter().map(Duration::toSeconds).orElse(-1L)).isEqualTo(expectedSeconds);
    }

    @ParameterizedTest
    @CsvSource({"401", "404", "400"})
    void messageNamesApiAndStatusOnly(int status) {
        String message = HttpFailures.classify("HubSpot", "read deal", response(status, Map.of())).getMessage();

        assertThat(message).startsWith("HubSpot read deal failed with HTTP " + status);
        assertThat(message).doesNotContain("secret body text");
    }

    private static HttpResponse<String> response(int status, Map<String, List<String>> headers) {
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpRequest request() {
                return HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).build();
            }

            @Override
            public Optional<HttpResponse<String>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers() {
                return HttpHeaders.of(headers, (name, value) -> true);
            }

            @Override
            public String body() {
                return "{\"Message\":\"secret body text\"}";
            }

            @Override
            public Optional<SSLSession> sslSession() {
                return Optional.empty();
            }

            @Override
            public URI uri() {
                return URI.create("http://127.0.0.1/");
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }
}
