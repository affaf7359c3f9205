package dev.handoff.local.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.local.LocalHandoff;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Endpoints of a running {@code ./handoff serve}, written to {@value #RELATIVE_PATH} while it runs, so that
 * {@code ./handoff ops} in another terminal finds its engines. It contains 127.0.0.1 endpoints, queue names and
 * the ledger table only, no secrets.
 */
public record LocalStackState(URI dynamoDbEndpoint, URI sqsEndpoint, String ledgerTable, URI xeroBaseUrl,
        List<QueueRoute> routes) {

    public static final String RELATIVE_PATH = "tools/local-stack/target/local-stack.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static LocalStackState of(LocalHandoff local) {
        return new LocalStackState(local.stack().dynamoDbEndpoint(), local.stack().sqsEndpoint(),
                local.stack().resources().tableName("LedgerTable"), local.xero().baseUrl(),
                LocalOps.routes(local.stack().template(), local.stack().resources()));
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
        Path file = path(root);
        if (!Files.exists(file)) {
            throw new IOException("No running local stack: " + file + " is missing; start ./handoff serve first,"
                    + " or pass --stack NAME --table TABLE for a deployed stack");
        }
        return JSON.readValue(file.toFile(), LocalStackState.class);
    }
}
