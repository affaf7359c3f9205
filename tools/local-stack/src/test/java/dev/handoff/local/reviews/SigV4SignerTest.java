package dev.handoff.local.reviews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SigV4SignerTest {

    private static final URI API = URI.create("https://abc123.execute-api.af-south-1.amazonaws.com/ops/reviews/approve");

    @Test
    void regionComesFromExecuteApiHost() {
        assertThat(SigV4Signer.regionOf(API)).isEqualTo("af-south-1");
    }

    @Test
    void customDomainNeedsRegionOption() {
        assertThatThrownBy(() -> SigV4Signer.regionOf(URI.create("https://ops.example.test/ops/reviews")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--region");
    }

    @Test
    void signedRequestCarriesExecuteApiAuthorization() {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "test-only-secret-key"));
        byte[] body = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        HttpRequest signed = new SigV4Signer(credentials, "af-south-1").sign(HttpRequest.newBuilder(API)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), "POST", API, body);

        String authorization = signed.headers().firstValue("Authorization").orElseThrow();
        assertThat(authorization).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/");
        assertThat(authorization).contains("/af-south-1/execute-api/aws4_request");
        assertThat(authorization).contains("SignedHeaders=").contains("host");
        assertThat(signed.headers().firstValue("X-Amz-Date")).isPresent();
    }
}
