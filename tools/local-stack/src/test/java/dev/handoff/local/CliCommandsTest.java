package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.handoff.local.engines.FreePorts;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.local.ops.LocalStackState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures of {@code ./handoff serve} and {@code send-webhook} that must end in a message and an exit code. */
class CliCommandsTest {

    @TempDir
    Path root;

    @Test
    void sendWebhookWithNothingListeningExitsOne() throws Exception {
        int port = FreePorts.find();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        int exit = HandoffCli.sendWebhook(List.of("--url", "http://127.0.0.1:" + port + "/webhooks/hubspot"),
                RepositoryRoot.find(), new PrintStream(new ByteArrayOutputStream()), print(errors));

        assertThat(exit).isEqualTo(1);
        assertThat(text(errors)).contains("nothing answers at http://127.0.0.1:" + port + "/webhooks/hubspot")
                .contains("start ./handoff serve").contains("--url");
    }

    @Test
    void sendWebhookPostsToRunningStackPort() throws Exception {
        copySampleEvent();
        AtomicReference<String> receivedPath = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            receivedPath.set(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            URI apiBaseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            new LocalStackState(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:1"), "ledger",
                    URI.create("http://127.0.0.1:1"), List.of(), apiBaseUrl).write(root);

            int exit = HandoffCli.sendWebhook(List.of(), root, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream()));

            assertThat(exit).isZero();
            assertThat(receivedPath.get()).isEqualTo(LocalSettings.HUBSPOT_WEBHOOK_PATH);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void runningApiUrlDefaultsWithoutStateFile() throws Exception {
        assertThat(LocalStackState.runningApiUrl(root)).isEqualTo(URI.create("http://127.0.0.1:3000"));
    }

    @Test
    void servePortInUseExitsOneAndStopsEngines() throws Exception {
        Set<Long> childrenBefore = liveDescendants();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            int exit = HandoffCli.serve(List.of("--port", String.valueOf(port)),
                    new PrintStream(new ByteArrayOutputStream()), print(errors));

            assertThat(exit).isEqualTo(1);
            assertThat(text(errors)).contains("port " + port + " on 127.0.0.1 is in use").contains("--port N");
        }
        assertThat(liveDescendants()).as("dynalite and other child processes stopped").isSubsetOf(childrenBefore);
    }

    private void copySampleEvent() throws Exception {
        Path target = root.resolve(LocalSettings.SAMPLE_HUBSPOT_EVENT);
        Files.createDirectories(target.getParent());
        Files.copy(RepositoryRoot.find().resolve(LocalSettings.SAMPLE_HUBSPOT_EVENT), target);
    }

    private static Set<Long> liveDescendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private static PrintStream print(ByteArrayOutputStream buffer) {
        return new PrintStream(buffer, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
