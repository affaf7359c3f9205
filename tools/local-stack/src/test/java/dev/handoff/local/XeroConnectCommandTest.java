package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.local.engines.FreePorts;
import dev.handoff.simulator.xero.XeroSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./handoff connect xero} against the Xero simulator, with a test browser that follows the redirects. */
class XeroConnectCommandTest {

    private final ByteArrayOutputStream results = new ByteArrayOutputStream();
    private final ByteArrayOutputStream messages = new ByteArrayOutputStream();
    private final Map<String, String> environment = Map.of("XERO_CLIENT_SECRET", LocalSettings.XERO_CLIENT_SECRET);
    private XeroSimulator xero;

    @TempDir
    Path directory;

    @BeforeEach
    void start() {
        xero = XeroSimulator.builder().tenant(LocalSettings.TENANT_ID).accessToken(LocalSettings.XERO_ACCESS_TOKEN)
                .oauthClient(LocalSettings.XERO_CLIENT_ID, LocalSettings.XERO_CLIENT_SECRET).start();
    }

    @AfterEach
    void stop() {
        xero.close();
    }

    @Test
    void consentWritesOwnerOnlyTokenFile() throws Exception {
        Path output = directory.resolve("xero-secret.json");

        int exitCode = run(List.of("--output", output.toString()), followRedirects());

        assertThat(exitCode).as(messages.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode secret = new ObjectMapper().readTree(output.toFile());
        assertThat(secret.path("XERO_TENANT_ID").asText()).isEqualTo(LocalSettings.TENANT_ID);
        assertThat(secret.path("XERO_REFRESH_TOKEN").asText()).startsWith("sim-refresh-");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(output))).isEqualTo("rw-------");
        assertThat(results.toString(StandardCharsets.UTF_8)).contains("Connected Xero tenant " + LocalSettings.TENANT_ID)
                .doesNotContain("sim-refresh-");
    }

    @Test
    void unauthorisedTenantFails() {
        Path output = directory.resolve("xero-secret.json");

        int exitCode = run(List.of("--output", output.toString(), "--tenant", "0c6f0a3e-0000-4000-8000-0000000000ff"),
                followRedirects());

        assertThat(exitCode).isEqualTo(1);
        assertThat(messages.toString(StandardCharsets.UTF_8)).contains("was not among the authorised organisations");
        assertThat(output).doesNotExist();
    }

    @Test
    void forgedCallbackStateFails() {
        Consumer<URI> attacker = consent -> new Thread(() -> {
            String redirect = consent.getQuery().replaceAll(".*redirect_uri=([^&]+).*", "$1");
            get(URI.create(java.net.URLDecoder.decode(redirect, StandardCharsets.UTF_8) + "?code=code-1&state=forged"));
        }).start();

        assertThat(run(List.of("--output", directory.resolve("x.json").toString()), attacker)).isEqualTo(1);
        assertThat(messages.toString(StandardCharsets.UTF_8)).contains("another state");
    }

    @Test
    void missingOutputChoiceIsUsageError() {
        assertThat(run(List.of(), consent -> { })).isEqualTo(2);
        assertThat(messages.toString(StandardCharsets.UTF_8)).contains("exactly one of --table and --output");
    }

    @Test
    void missingClientSecretIsUsageError() {
        int exitCode = new XeroConnectCommand(Map.of(), Clock.systemUTC()).run(
                List.of("xero", "--client-id", LocalSettings.XERO_CLIENT_ID, "--output", "x.json"),
                new PrintStream(results, true, StandardCharsets.UTF_8), new PrintStream(messages, true, StandardCharsets.UTF_8),
                consent -> { });

        assertThat(exitCode).isEqualTo(2);
        assertThat(messages.toString(StandardCharsets.UTF_8)).contains("XERO_CLIENT_SECRET is missing");
    }

    private int run(List<String> options, Consumer<URI> browser) {
        List<String> arguments = new ArrayList<>(List.of("xero", "--client-id", LocalSettings.XERO_CLIENT_ID,
                "--port", Integer.toString(FreePorts.find()), "--timeout", "60",
                "--authorize-url", xero.authorizeUrl().toString(), "--token-url", xero.tokenUrl().toString(),
                "--connections-url", xero.connectionsUrl().toString()));
        arguments.addAll(options);
        return new XeroConnectCommand(environment, Clock.systemUTC()).run(arguments,
                new PrintStream(results, true, StandardCharsets.UTF_8), new PrintStream(messages, true, StandardCharsets.UTF_8),
                browser);
    }

    /** Returns a browser that opens the consent URL on its own thread and follows the simulator's redirect back. */
    private static Consumer<URI> followRedirects() {
        return consent -> new Thread(() -> get(consent)).start();
    }

    private static void get(URI uri) {
        try {
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                    .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException("Test browser failed to open " + uri, e);
        }
    }
}
