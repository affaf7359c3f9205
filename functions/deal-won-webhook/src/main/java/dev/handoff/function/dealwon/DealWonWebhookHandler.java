package dev.handoff.function.dealwon;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.handoff.lambda.HandoffComponents;
import dev.handoff.lambda.HttpEvents;
import dev.handoff.service.DealWonIntakeService;
import dev.handoff.service.WebhookRequest;
import dev.handoff.service.WebhookResponse;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives HubSpot webhooks on POST /webhooks/hubspot and enqueues won deals (see {@link DealWonIntakeService}).
 */
public final class DealWonWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(DealWonWebhookHandler.class);

    private final DealWonIntakeService service;
    private final Optional<URI> publicUrl;

    /** Used by Lambda: reads the function's environment. */
    public DealWonWebhookHandler() {
        this(System.getenv());
    }

    /** Builds the handler from an explicit environment, as the local stack does for each function. */
    public DealWonWebhookHandler(Map<String, String> environment) {
        this(new HandoffComponents(environment, "deal-won-webhook", Clock.systemUTC()));
    }

    private DealWonWebhookHandler(HandoffComponents components) {
        this(components.dealWonIntake(), components.config().hubSpotPublicWebhookUrl());
    }

    public DealWonWebhookHandler(DealWonIntakeService service, Optional<URI> publicUrl) {
        this.service = service;
        this.publicUrl = publicUrl;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        WebhookRequest request;
        try {
            request = HttpEvents.toWebhookRequest(event, publicUrl);
        } catch (IllegalArgumentException e) {
            LOG.warn("HubSpot webhook rejected: body is marked base64 but is not valid base64 (API Gateway request {})",
                    event.getRequestContext() == null ? null : event.getRequestContext().getRequestId());
            return HttpEvents.toResponse(WebhookResponse.message(400, "Request body is marked base64 but is not valid base64"));
        }
        return HttpEvents.toResponse(service.handle(request));
    }
}
