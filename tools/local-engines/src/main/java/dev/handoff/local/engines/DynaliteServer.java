package dev.handoff.local.engines;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dynalite process (an in-memory DynamoDB implementation on Node.js) listening on 127.0.0.1 and a free port.
 *
 * <p>The server runs {@code tools/node_modules/dynalite/cli.js}, which {@code cd tools && npm ci --ignore-scripts}
 * installs, with table state change delays set to 0 ms. A created table still reports CREATING for a moment, so
 * {@link LocalResources} waits until it is ACTIVE. Closing the server, or the JVM exiting, destroys the process
 * and its children.
 */
public final class DynaliteServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DynaliteServer.class);

    /** Default time allowed for the process to accept connections. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    private static final int START_ATTEMPTS = 3;
    private static final int OUTPUT_LINES_KEPT = 20;

    private final Process process;
    private final int port;
    private final Thread shutdownHook;
    private final Deque<String> recentOutput;
    private boolean closed;

    private DynaliteServer(Process process, int port, Deque<String> recentOutput) {
        this.process = process;
        this.port = port;
        this.recentOutput = recentOutput;
        this.shutdownHook = new Thread(this::destroyProcessTree, "dynalite-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts dynalite from the repository found by {@link RepositoryRoot#find()}. */
    public static DynaliteServer start() {
        return start(RepositoryRoot.find(), DEFAULT_START_TIMEOUT);
    }

    /**
     * Starts dynalite from {@code <repositoryRoot>/tools/node_modules/dynalite} and waits until it accepts
     * connections.
     *
     * @throws IllegalStateException if dynalite is not installed, node is missing, or the server did not start
     *     within {@code startTimeout}
     */
    public static DynaliteServer start(Path repositoryRoot, Duration startTimeout) {
        Path cli = repositoryRoot.resolve("tools/node_modules/dynalite/cli.js");
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException(
                    "dynalite is not installed (missing " + cli + "): run `cd tools && npm ci --ignore-scripts`");
        }

        IllegalStateException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(cli, FreePorts.find(), startTimeout);
            } catch (PortTakenException e) {
                // Another process bound the port between the free-port probe and dynalite's listen call.
                lastFailure = e;
                LOG.warn("dynalite could not bind port {}, attempt {} of {}", e.port, attempt, START_ATTEMPTS);
            }
        }
        throw lastFailure;
    }

    private static DynaliteServer startOnce(Path cli, int port, Duration startTimeout) {
        List<String> command = List.of("node", cli.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("Failed to run node; install Node.js 20 or later and put node on the PATH", e);
        }

        Deque<String> recentOutput = new ArrayDeque<>();
        drainOutput(process, port, recentOutput);
        DynaliteServer server = new DynaliteServer(process, port, recentOutput);
        try {
            server.awaitListening(startTimeout);
            LOG.info("dynalite started on 127.0.0.1:{} (pid {})", port, process.pid());
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String output = outputTail();
                if (output.contains("EADDRINUSE")) {
                    throw new PortTakenException(port, output);
                }
                throw new IllegalStateException(
                        "dynalite exited with code " + process.exitValue() + " before listening; output:\n" + output);
            }
            if (FreePorts.accepts(port, Duration.ofMillis(200))) {
                return;
            }
            sleep(Duration.ofMillis(50));
        }
        throw new IllegalStateException("dynalite did not accept connections on 127.0.0.1:" + port + " within "
                + timeout.toMillis() + " ms; output:\n" + outputTail());
    }

    /** Reads the process output on a daemon thread so a full pipe never blocks dynalite. */
    private static void drainOutput(Process process, int port, Deque<String> recentOutput) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    LOG.debug("dynalite:{} {}", port, line);
                    synchronized (recentOutput) {
                        recentOutput.addLast(line);
                        if (recentOutput.size() > OUTPUT_LINES_KEPT) {
                            recentOutput.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // The stream closes when the process is destroyed.
                LOG.debug("dynalite:{} output closed: {}", port, e.getClass().getSimpleName());
            }
        }, "dynalite-output-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    private String outputTail() {
        sleep(Duration.ofMillis(100));
        synchronized (recentOutput) {
            return String.join("\n", recentOutput);
        }
    }

    /** Returns the HTTP endpoint, for example {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Returns the TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Destroys the dynalite process and any child processes, waiting up to five seconds. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        destroyProcessTree();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and runs the hook itself.
        }
        LOG.info("dynalite on 127.0.0.1:{} stopped", port);
    }

    private void destroyProcessTree() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for dynalite", e);
        }
    }

    /** dynalite exited because its port was taken. */
    private static final class PortTakenException extends IllegalStateException {
        private final int port;

        PortTakenException(int port, String output) {
            super("dynalite could not listen on 127.0.0.1:" + port + " because the port is in use; output:\n" + output);
            this.port = port;
        }
    }
}
