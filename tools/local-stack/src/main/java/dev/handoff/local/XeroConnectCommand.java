package dev.handoff.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.handoff.accounting.xero.auth.RefreshTokenRejectedException;
import dev.handoff.accounting.xero.auth.XeroConnectFlow;
import dev.handoff.accounting.xero.auth.XeroIdentityClient;
import dev.handoff.accounting.xero.auth.XeroTokenStore;
import dev.handoff.aws.AwsClients;
import dev.handoff.config.HandoffConfig;
import dev.handoff.error.HandoffException;
import dev.handoff.local.runtime.ApiGatewayEmulator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code ./handoff connect xero}: connects a Xero organisation from the operator's machine. It listens on
 * {@code http://127.0.0.1:<port>/callback}, prints Xero's consent URL, and when the browser returns with a code
 * it exchanges the code, picks the tenant and keeps the tokens. With {@code --table} they go straight into the
 * ledger table (AWS credentials from the environment); with {@code --output} they go to a file readable only by
 * its owner, for copying into the Secrets Manager secret. The client secret is read from the
 * {@code XERO_CLIENT_SECRET} environment variable so it never appears in the shell history.
 */
public final class XeroConnectCommand {

    static final String USAGE = "usage: ./handoff connect xero --client-id ID (--table LEDGER_TABLE | --output FILE)"
            + " [--tenant TENANT_ID] [--port 5173] [--scopes \"...\"] [--timeout SECONDS]; XERO_CLIENT_SECRET in the environment";
    private static final int DEFAULT_PORT = 5173;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private final Map<String, String> environment;
    private final Clock clock;

    public XeroConnectCommand(Map<String, String> environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    /** Runs from the CLI; the operator opens the printed URL. */
    static int main(List<String> arguments, PrintStream results) {
        return new XeroConnectCommand(System.getenv(), Clock.systemUTC()).run(arguments, results, System.err, url -> { });
    }

    /**
     * Runs the command; {@code openBrowser} receives the consent URL once the callback listener is up.
     *
     * @return the exit code: 0 when connected, 1 when the flow failed, 2 for invalid arguments
     */
    public int run(List<String> arguments, PrintStream results, PrintStream messages, Consumer<URI> openBrowser) {
        Options options;
        try {
            options = Options.parse(arguments, environment);
        } catch (IllegalArgumentException e) {
            messages.println("handoff connect: " + e.getMessage());
            messages.println(USAGE);
            return 2;
        }

        String state = randomState();
        CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port), 0);
        } catch (IOException e) {
            messages.println("handoff connect: port " + options.port + " on 127.0.0.1 is not free; choose another with --port"
                    + " and register its callback URL in the Xero app");
            return 1;
        }
        server.createContext("/callback", exchange -> answerBrowser(exchange, callback));
        server.start();
        try {
            URI redirectUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/callback");
            XeroConnectFlow flow = new XeroConnectFlow(options.identity(clock), options.authorizeUrl, options.scopes);
            URI consent = flow.authorizationUrl(redirectUri, state);
            messages.println("Register " + redirectUri + " as a redirect URI of the Xero app, then open this URL:");
            results.println(consent);
            results.flush();
            openBrowser.accept(consent);

            Map<String, String> query = callback.get(options.timeout.toSeconds(), TimeUnit.SECONDS);
            if (query.containsKey("error")) {
                messages.println("handoff connect: Xero did not authorise the connection (" + query.get("error") + ")");
                return 1;
            }
            if (!state.equals(query.get("state")) || query.get("code") == null) {
                messages.println("handoff connect: the callback carried another state or no code; run the command again");
                return 1;
            }
            XeroConnectFlow.Connected connected = flow.exchange(query.get("code"), redirectUri, options.tenantId);
            keep(options, connected);
            results.println("Connected Xero tenant " + connected.tenantId()
                    + (options.table.isPresent() ? " (tokens stored in " + options.table.get() + ")"
                            : " (tokens written to " + options.output.orElseThrow() + ")"));
            return 0;
        } catch (TimeoutException e) {
            messages.println("handoff connect: no callback within " + options.timeout.toSeconds() + " seconds; run the command again");
            return 1;
        } catch (RefreshTokenRejectedException e) {
            messages.println("handoff connect: Xero rejected the authorisation code; run the command again");
            return 1;
        } catch (HandoffException | IOException e) {
            messages.println("handoff connect: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (java.util.concurrent.ExecutionException e) {
            messages.println("handoff connect: the callback listener failed: " + e.getCause());
            return 1;
        } finally {
            server.stop(0);
        }
    }

    private void keep(Options options, XeroConnectFlow.Connected connected) throws IOException {
        if (options.table.isPresent()) {
            var dynamoDb = new AwsClients(new HandoffConfig(environment)).dynamoDb();
            XeroConnectFlow.store(new XeroTokenStore(dynamoDb, options.table.get()), connected, Instant.now(clock));
            return;
        }
        Path file = options.output.orElseThrow();
        Map<String, String> secret = new LinkedHashMap<>();
        secret.put("XERO_TENANT_ID", connected.tenantId());
        secret.put("XERO_REFRESH_TOKEN", connected.tokens().refreshToken());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, new ObjectMapper().writeValueAsString(secret), StandardCharsets.UTF_8);
    }

    private static void answerBrowser(HttpExchange exchange, CompletableFuture<Map<String, String>> callback) throws IOException {
        try (exchange) {
            Map<String, String> query = ApiGatewayEmulator.queryParameters(exchange.getRequestURI().getRawQuery());
            callback.complete(query == null ? Map.of() : query);
            byte[] body = "Handoff received Xero's answer; return to the terminal.".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static String randomState() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Parsed arguments; endpoint options exist so tests can point the command at the Xero simulator. */
    private record Options(String clientId, String clientSecret, Optional<String> table, Optional<Path> output,
            Optional<String> tenantId, int port, String scopes, Duration timeout, URI authorizeUrl, URI tokenUrl,
            URI connectionsUrl) {

        XeroIdentityClient identity(Clock clock) {
            return new XeroIdentityClient(clientId, clientSecret, tokenUrl, connectionsUrl, clock);
        }

        static Options parse(List<String> arguments, Map<String, String> environment) {
            List<String> rest = new ArrayList<>(arguments);
            if (rest.isEmpty() || !rest.remove(0).equals("xero")) {
                throw new IllegalArgumentException("name the system to connect: xero");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < rest.size(); i += 2) {
                String name = rest.get(i);
                if (!name.startsWith("--") || i + 1 >= rest.size()) {
                    throw new IllegalArgumentException("option " + name + " needs a value");
                }
                values.put(name.substring(2), rest.get(i + 1));
            }
            List<String> known = List.of("client-id", "table", "output", "tenant", "port", "scopes", "timeout",
                    "authorize-url", "token-url", "connections-url");
            values.keySet().stream().filter(name -> !known.contains(name)).findFirst().ifPresent(name -> {
                throw new IllegalArgumentException("unknown option --" + name);
            });

            String clientId = Optional.ofNullable(values.get("client-id")).or(() -> Optional.ofNullable(environment.get("XERO_CLIENT_ID")))
                    .orElseThrow(() -> new IllegalArgumentException("--client-id (or XERO_CLIENT_ID) is missing"));
            String clientSecret = Optional.ofNullable(environment.get("XERO_CLIENT_SECRET")).filter(value -> !value.isBlank())
                    .orElseThrow(() -> new IllegalArgumentException("XERO_CLIENT_SECRET is missing from the environment"));
            Optional<String> table = Optional.ofNullable(values.get("table"));
            Optional<Path> output = Optional.ofNullable(values.get("output")).map(Path::of);
            if (table.isPresent() == output.isPresent()) {
                throw new IllegalArgumentException("give exactly one of --table and --output");
            }
            int port = integer(values.getOrDefault("port", Integer.toString(DEFAULT_PORT)), "--port", 1, 65_535);
            int timeout = integer(values.getOrDefault("timeout", Long.toString(DEFAULT_TIMEOUT.toSeconds())), "--timeout", 1, 3_600);
            return new Options(clientId, clientSecret, table, output, Optional.ofNullable(values.get("tenant")), port,
                    values.get("scopes"), Duration.ofSeconds(timeout),
                    uri(values.get("authorize-url"), XeroIdentityClient.DEFAULT_AUTHORIZE_URL),
                    uri(values.get("token-url"), XeroIdentityClient.DEFAULT_TOKEN_URL),
                    uri(values.get("connections-url"), XeroIdentityClient.DEFAULT_CONNECTIONS_URL));
        }

        private static int integer(String value, String name, int min, int max) {
            try {
                int parsed = Integer.parseInt(value.trim());
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // Reported below with the accepted range.
            }
            throw new IllegalArgumentException(name + " '" + value + "' is invalid; use a number from " + min + " to " + max);
        }

        private static URI uri(String value, URI fallback) {
            return value == null ? fallback : URI.create(value);
        }
    }
}
