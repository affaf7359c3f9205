package dev.handoff.local.engines;

import java.net.URI;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded ElasticMQ 1.7 server, an SQS-compatible queue engine, on 127.0.0.1 and a free port. It creates
 * no queues: {@link LocalResources} does that from the template.
 *
 * <p>Queue ARNs use region {@value #REGION} and account {@value #ACCOUNT_ID}, so they look like the ARNs Lambda
 * puts into SQS events.
 */
public final class ElasticMqServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticMqServer.class);

    /** Region written into queue ARNs. */
    public static final String REGION = AwsClients.REGION;
    /** Account id written into queue URLs and ARNs. */
    public static final String ACCOUNT_ID = AwsClients.ACCOUNT_ID;

    private static final int START_ATTEMPTS = 3;

    private final SQSRestServer server;
    private final int port;
    private boolean closed;

    private ElasticMqServer(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts ElasticMQ and waits until it is bound.
     *
     * @throws IllegalStateException if no attempt could bind a free port
     */
    public static ElasticMqServer start() {
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            // A fixed port rather than withDynamicPort(), because queue URLs carry the server address and must be
            // known before the server starts.
            int port = FreePorts.find();
            SQSRestServer server = SQSRestServerBuilder
                    .withInterface("127.0.0.1")
                    .withPort(port)
                    .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                    .withAWSRegion(REGION)
                    .withAWSAccountId(ACCOUNT_ID)
                    .start();
            try {
                server.waitUntilStarted();
                LOG.info("ElasticMQ started on 127.0.0.1:{}", port);
                return new ElasticMqServer(server, port);
            } catch (RuntimeException e) {
                lastFailure = e;
                LOG.warn("ElasticMQ could not bind port {}, attempt {} of {}: {}",
                        port, attempt, START_ATTEMPTS, e.getClass().getSimpleName());
                server.stopAndWait();
            }
        }
        throw new IllegalStateException("ElasticMQ failed to start on 127.0.0.1", lastFailure);
    }

    /** Returns the SQS endpoint, for example {@code http://127.0.0.1:41235}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Returns the TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Stops the server and its actor system. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stopAndWait();
        LOG.info("ElasticMQ on 127.0.0.1:{} stopped", port);
    }
}
