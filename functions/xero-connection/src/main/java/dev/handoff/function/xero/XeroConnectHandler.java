package dev.handoff.function.xero;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.handoff.config.HandoffConfig;
import dev.handoff.lambda.HandoffComponents;
import dev.handoff.service.XeroConnectService;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Serves {@code GET /connect/xero} and {@code GET /connect/xero/callback} (see {@link XeroConnectService}). The
 * callback URL is {@code XERO_REDIRECT_URI} when set, because it must equal a redirect URI registered in the
 * Xero app; otherwise it is built from the request's domain. The service is built on the first request, so an
 * instance without Xero client credentials still starts and reports the missing setting then.
 */
public final class XeroConnectHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final String START_PATH = "/connect/xero";
    static final String CALLBACK_PATH = "/connect/xero/callback";

    private final Supplier<XeroConnectService> service;
    private final Optional<URI> redirectUri;
    private XeroConnectService built;

    /** Used by Lambda: reads the function's environment. */
    public XeroConnectHandler() {
        this(System.getenv());
    }

    /** Builds the handler from an explicit environment, as the local stack does for each function. */
    public XeroConnectHandler(Map<String, String> environment) {
        this(new HandoffComponents(environment, "xero-connect", Clock.systemUTC()));
    }

    private XeroConnectHandler(HandoffComponents components) {
        this(components::xeroConnect, redirectUri(components.config()));
    }

    public XeroConnectHandler(Supplier<XeroConnectService> service, Optional<URI> redirectUri) {
        this.service = service;
        this.redirectUri = redirectUri;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String path = Optional.ofNullable(event.getRawPath()).orElse("");
        String method = event.getRequestContext() == null || event.getRequestContext().getHttp() == null
                ? "" : event.getRequestContext().getHttp().getMethod();
        if (!"GET".equals(method) || !(path.equals(START_PATH) || path.equals(CALLBACK_PATH))) {
            return text(404, "Not found: use GET " + START_PATH);
        }

        URI callbackUrl = redirectUri.orElseGet(() -> URI.create("https://" + domain(event) + CALLBACK_PATH));
        XeroConnectService.Response response = path.equals(START_PATH)
                ? service().start(callbackUrl)
                : service().callback(callbackUrl, Optional.ofNullable(event.getQueryStringParameters()).orElse(Map.of()));

        APIGatewayV2HTTPResponse result = text(response.statusCode(), response.message());
        response.location().ifPresent(location -> result.getHeaders().put("Location", location.toString()));
        return result;
    }

    private synchronized XeroConnectService service() {
        if (built == null) {
            built = service.get();
        }
        return built;
    }

    private static String domain(APIGatewayV2HTTPEvent event) {
        if (event.getRequestContext() != null && event.getRequestContext().getDomainName() != null) {
            return event.getRequestContext().getDomainName();
        }
        return Optional.ofNullable(event.getHeaders()).map(headers -> headers.get("host")).orElse("localhost");
    }

    private static Optional<URI> redirectUri(HandoffConfig config) {
        return config.optional("XERO_REDIRECT_URI").map(URI::create);
    }

    private static APIGatewayV2HTTPResponse text(int status, String body) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(new java.util.HashMap<>(Map.of("Content-Type", "text/plain; charset=utf-8",
                        "Cache-Control", "no-store")))
                .withBody(body)
                .build();
    }
}
