package dev.handoff.local.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback port helpers for the local engines. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * Returns a port on 127.0.0.1 that was free a moment ago. Another process may take it before the caller
     * binds it, so callers that start a server on it retry on a bind failure.
     */
    public static int find() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to find a free port on 127.0.0.1", e);
        }
    }

    /** Returns whether a TCP connection to 127.0.0.1:{@code port} succeeds within {@code timeout}. */
    public static boolean accepts(int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
