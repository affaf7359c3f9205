package dev.handoff.local.runtime;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.handoff.local.engines.AwsClients;
import dev.handoff.local.engines.FunctionDefinition.HttpApiEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server on 127.0.0.1 that routes requests to functions by their {@code HttpApi} events and passes
 * them in API Gateway HTTP API payload format 2.0.
 *
 * <p>Routes match on method (or {@code ANY}) and the exact path. A request body is passed as text when it is
 * valid UTF-8 with a textual content type ({@code text/*}, JSON, XML, JavaScript or form data), otherwise base64
 * encoded with {@code isBase64Encoded} set. Like API Gateway, the emulator returns 404 for an unknown route,
 * 413 for a body over 6 MB and 500 when the handler throws.
 *
 * @see <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html">HTTP API Lambda integrations, payload format 2.0</a>
 */
public final class ApiGatewayEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiGatewayEmulator.class);

    /** Largest request body accepted, as for Lambda's synchronous invocation payload: 6 MB. */
    public static final int MAX_BODY_BYTES = 6 * 1024 * 1024;

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final int WORKER_THREADS = 16;

    private final Map<String, Route> routes;
    private final HttpServer server;
    private final URI baseUrl;
    private final ExecutorService executor;
    private final AtomicInteger inFlight = new AtomicInteger();

    private record Route(HttpApiEvent event, LocalFunction function) {
    }

    /**
     * Binds the server on 127.0.0.1 and starts it.
     *
     * @param port the port, or 0 for a free one
     * @throws IllegalArgumentException if two functions declare the same route, a route uses path parameters or
     *     payload format 1.0, or a handler does not accept {@link APIGatewayV2HTTPEvent}
     */
    public ApiGatewayEmulator(List<LocalFunction> functions, int port) {
        this.routes = routes(functions);
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to bind the API Gateway emulator on 127.0.0.1:" + port, e);
        }
        this.baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(WORKER_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "api-gateway-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("API Gateway emulator listening on {} with routes {}", baseUrl(), routes.keySet());
    }

    private static Map<String, Route> routes(List<LocalFunction> functions) {
        Map<String, Route> routes = new LinkedHashMap<>();
        for (LocalFunction function : functions) {
            for (HttpApiEvent event : function.definition().httpApiEvents()) {
                if (!event.payloadFormatVersion().equals("2.0")) {
                    throw new IllegalArgumentException("Unsupported PayloadFormatVersion " + event.payloadFormatVersion()
                            + " on " + function.name() + "." + event.name() + ": only 2.0 is emulated locally");
                }
                if (event.path().contains("{")) {
                    throw new IllegalArgumentException("Unsupported path " + event.path() + " on " + function.name()
                            + ": path parameters are not emulated locally; declare exact paths");
                }
                if (!function.inputType().isAssignableFrom(APIGatewayV2HTTPEvent.class)) {
                    throw new IllegalArgumentException("Handler of " + function.name() + " accepts "
                            + function.inputType().getName() + ", but HttpApi events pass APIGatewayV2HTTPEvent");
                }
                Route previous = routes.put(event.routeKey(), new Route(event, function));
                if (previous != null) {
                    throw new IllegalArgumentException("Route " + event.routeKey() + " is declared by both "
                            + previous.function().name() + " and " + function.name());
                }
            }
        }
        return Map.copyOf(routes);
    }

    /** Returns the base URL, for example {@code http://127.0.0.1:41236}, without a trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Returns the number of requests being handled now. */
    public int inFlight() {
        return inFlight.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            Route route = routes.get(method + " " + path);
            if (route == null) {
                route = routes.get("ANY " + path);
            }
            if (route == null) {
                LOG.info("No route for {} {}; returning 404", method, path);
                sendJson(exchange, 404, "{\"message\":\"Not Found\"}");
                return;
            }

            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                LOG.info("Request body for {} exceeds {} bytes; returning 413", route.event().routeKey(), MAX_BODY_BYTES);
                sendJson(exchange, 413, "{\"message\":\"Request Entity Too Large\"}");
                return;
            }

            invoke(exchange, route, body);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void invoke(HttpExchange exchange, Route route, byte[] body) throws IOException {
        APIGatewayV2HTTPEvent event = toEvent(exchange, route.event().routeKey(), body);
        String requestId = event.getRequestContext().getRequestId();
        long started = System.nanoTime();
        Object output;
        try {
            output = route.function().invoke(event, 0);
        } catch (Throwable e) {
            // API Gateway also returns 500 here. Only the exception class is logged, because messages may carry
            // request data.
            LOG.error("Function {} failed for request {} on {}: {}",
                    route.function().name(), requestId, route.event().routeKey(), e.getClass().getName());
            sendJson(exchange, 500, "{\"message\":\"Internal Server Error\"}");
            return;
        }

        int status = writeOutput(exchange, output, route.function().name(), requestId);
        LOG.info("{} {} -> {} via {} (request {}, {} ms)", route.event().method(), event.getRawPath(), status,
                route.function().name(), requestId, (System.nanoTime() - started) / 1_000_000);
    }

    private static APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, String routeKey, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                for (String value : header.getValue()) {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.trim());
                        }
                    }
                }
                continue;
            }
            headers.merge(name, String.join(",", header.getValue()), (first, second) -> first + "," + second);
        }

        String rawQuery = exchange.getRequestURI().getRawQuery();
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        APIGatewayV2HTTPEvent.RequestContext.Http http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(exchange.getRequestMethod().toUpperCase(Locale.ROOT))
                .withPath(exchange.getRequestURI().getRawPath())
                .withProtocol(exchange.getProtocol())
                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                .withUserAgent(headers.get("user-agent"))
                .build();
        String host = headers.getOrDefault("host", "127.0.0.1");
        APIGatewayV2HTTPEvent.RequestContext context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRouteKey(routeKey)
                .withAccountId(AwsClients.ACCOUNT_ID)
                .withApiId("local")
                .withStage("$default")
                .withDomainName(host)
                .withDomainPrefix(host.contains(".") ? host.substring(0, host.indexOf('.')) : host)
                .withRequestId(UUID.randomUUID().toString())
                .withTime(REQUEST_TIME.format(now))
                .withTimeEpoch(now.toInstant().toEpochMilli())
                .withHttp(http)
                .build();

        APIGatewayV2HTTPEvent.APIGatewayV2HTTPEventBuilder event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(exchange.getRequestURI().getRawPath())
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withHeaders(headers)
                .withQueryStringParameters(queryParameters(rawQuery))
                .withRequestContext(context)
                .withIsBase64Encoded(false);
        if (body.length > 0) {
            String text = isTextual(headers.get("content-type")) ? decodeUtf8(body) : null;
            if (text != null) {
                event.withBody(text);
            } else {
                event.withBody(Base64.getEncoder().encodeToString(body)).withIsBase64Encoded(true);
            }
        }
        return event.build();
    }

    /** Returns query parameters with repeated names joined by commas, or null when there are none, as in 2.0. */
    public static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.merge(name, value, (first, second) -> first + "," + second);
        }
        return parameters;
    }

    private static boolean isTextual(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/")
                || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml")
                || type.equals("application/javascript")
                || type.equals("application/x-www-form-urlencoded");
    }

    /** Returns {@code bytes} as text, or null if they are not valid UTF-8. */
    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int writeOutput(HttpExchange exchange, Object output, String functionName, String requestId)
            throws IOException {
        if (output instanceof String text) {
            // API Gateway passes a bare string through as a JSON body with status 200.
            sendJson(exchange, 200, text);
            return 200;
        }
        if (!(output instanceof APIGatewayV2HTTPResponse response)) {
            LOG.error("Function {} returned {} for request {}; expected APIGatewayV2HTTPResponse",
                    functionName, output == null ? "null" : output.getClass().getName(), requestId);
            sendJson(exchange, 500, "{\"message\":\"Internal Server Error\"}");
            return 500;
        }

        Headers responseHeaders = exchange.getResponseHeaders();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach(responseHeaders::set);
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> values.forEach(value -> responseHeaders.add(name, value)));
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(cookie -> responseHeaders.add("Set-Cookie", cookie));
        }

        byte[] body;
        if (response.getBody() == null) {
            body = new byte[0];
        } else if (response.getIsBase64Encoded()) {
            body = Base64.getDecoder().decode(response.getBody());
        } else {
            body = response.getBody().getBytes(StandardCharsets.UTF_8);
        }
        int status = response.getStatusCode() == 0 ? 200 : response.getStatusCode();
        send(exchange, status, body);
        return status;
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean noBody = body.length == 0 || status == 204 || status == 304 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops accepting requests, waits up to one second for running ones, and stops the worker threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("API Gateway emulator on {} stopped", baseUrl());
    }
}
