package dev.handoff.local.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Endpoints of a running {@code ./handoff serve}, written to {@value #RELATIVE_PATH} while it runs, so that
 * {@code ./handoff ops}, {@code reviews} and {@code send-webhook} in another terminal find its engines and its API.
 * It contains 127.0.0.1 endpoints, queue names and the ledger table only, no secrets. A file written before
 * {@code apiBaseUrl} was added reads with that field null.
 */
public record LocalStackState(URI dynamoDbEndpoint, URI sqsEndpoint, String ledgerTable, URI xeroBaseUrl,
        List<QueueRoute> routes, URI apiBaseUrl) {

    public static final String RELATIVE_PATH = "tools/local-stack/target/local-stack.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static LocalStackState of(LocalHandoff local) {
        return new LocalStackState(local.stack().dynamoDbEndpoint(), local.stack().sqsEndpoint(),
                local.stack().resources().tableName("LedgerTable"), local.xero().baseUrl(),
                LocalOps.routes(local.stack().template(), local.stack().resources()), local.apiBaseUrl());
    }

    public static Path path(Path root) {
        return root.resolve(RELATIVE_PATH);
    }

    public void write(Path root) throws IOException {
        Path file = path(root);
        Files.createDirectories(file.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    }

    /** Deletes the state file; a failure leaves a stale file, which ops reports as an unreachable stack. */
    public static void delete(Path root) {
        try {
            Files.deleteIfExists(path(root));
        } catch (IOException e) {
            System.err.println("Could not delete " + path(root) + ": " + e.getMessage());
        }
    }

    /**
     * Reads the state of the running local stack.
     *
     * @throws IOException if no {@code ./handoff serve} wrote the file or it is unreadable
     */
    public static LocalStackState read(Path root) throws IOException {
        Optional<LocalStackState> state = find(root);
        if (state.isEmpty()) {
            throw new IOException("No running local stack: " + path(root) + " is missing; start ./handoff serve first,"
                    + " or pass --stack NAME --table TABLE for a deployed stack");
        }
        return state.get();
    }

    /**
     * Reads the state of the running local stack, or returns empty when no {@code ./handoff serve} wrote the file.
     *
     * @throws IOException if the file exists but is unreadable
     */
    public static Optional<LocalStackState> find(Path root) throws IOException {
        Path file = path(root);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), LocalStackState.class));
        } catch (IOException e) {
            throw new IOException(file + " is unreadable (" + e.getClass().getSimpleName() + "); stop ./handoff serve,"
                    + " delete the file and start ./handoff serve again", e);
        }
    }

    /**
     * Returns the API base URL of the running local stack, or {@code http://127.0.0.1:3000}, the default port of
     * {@code ./handoff serve}, when no state file exists or the file predates the {@code apiBaseUrl} field.
     *
     * @throws IOException if the file exists but is unreadable
     */
    public static URI runningApiUrl(Path root) throws IOException {
        return find(root).map(LocalStackState::apiBaseUrl)
                .orElse(URI.create("http://127.0.0.1:" + LocalSettings.DEFAULT_API_PORT));
    }
}
