package dev.handoff.function.payment;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.handoff.lambda.HandoffComponents;
import dev.handoff.lambda.HttpEvents;
import dev.handoff.service.PaymentCallbackService;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Receives Xero webhooks on POST /webhooks/xero and enqueues invoice events (see {@link PaymentCallbackService}).
 */
public final class PaymentStatusCallbackHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final PaymentCallbackService service;
    private final Optional<URI> publicUrl;

    /** Used by Lambda: reads the function's environment. */
    public PaymentStatusCallbackHandler() {
        this(System.getenv());
    }

    /** Builds the handler from an explicit environment, as the local stack does for each function. */
    public PaymentStatusCallbackHandler(Map<String, String> environment) {
        this(new HandoffComponents(environment, "payment-status-callback", Clock.systemUTC()));
    }

    private PaymentStatusCallbackHandler(HandoffComponents components) {
        this(components.paymentCallback(), Optional.empty());
    }

    public PaymentStatusCallbackHandler(PaymentCallbackService service, Optional<URI> publicUrl) {
        this.service = service;
        this.publicUrl = publicUrl;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEvents.handleWebhook(event, publicUrl, "Xero webhook", service::handle);
    }
}
