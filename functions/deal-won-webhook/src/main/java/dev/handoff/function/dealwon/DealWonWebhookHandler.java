package dev.handoff.function.dealwon;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.handoff.lambda.HandoffComponents;
import dev.handoff.lambda.HttpEvents;
import dev.handoff.service.DealWonIntakeService;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Receives HubSpot webhooks on POST /webhooks/hubspot and enqueues won deals (see {@link DealWonIntakeService}).
 */
public final class DealWonWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

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
        return HttpEvents.handleWebhook(event, publicUrl, "HubSpot webhook", service::handle);
    }
}
