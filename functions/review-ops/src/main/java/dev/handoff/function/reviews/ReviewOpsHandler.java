package dev.handoff.function.reviews;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.handoff.lambda.HandoffComponents;
import dev.handoff.lambda.HttpEvents;
import dev.handoff.review.ReviewOpsService;
import dev.handoff.review.ReviewOpsService.OpsRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Serves the ops routes under /ops/reviews, which API Gateway authorises with IAM (see {@link ReviewOpsService}).
 * The caller's IAM user ARN from the request context is recorded as the reviewer.
 */
public final class ReviewOpsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final ReviewOpsService service;

    /** Used by Lambda: reads the function's environment. */
    public ReviewOpsHandler() {
        this(System.getenv());
    }

    /** Builds the handler from an explicit environment, as the local stack does for each function. */
    public ReviewOpsHandler(Map<String, String> environment) {
        this(new HandoffComponents(environment, "review-ops", Clock.systemUTC()).reviewOps());
    }

    public ReviewOpsHandler(ReviewOpsService service) {
        this.service = service;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        var requestContext = event.getRequestContext();
        String method = requestContext != null && requestContext.getHttp() != null ? requestContext.getHttp().getMethod() : "GET";
        String body;
        try {
            body = new String(HttpEvents.toWebhookRequest(event, Optional.empty()).body(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return HttpEvents.invalidBase64(event, "Ops request");
        }
        OpsRequest request = new OpsRequest(method, event.getRawPath(), event.getQueryStringParameters(), body, callerArn(event));
        return HttpEvents.toResponse(service.handle(request));
    }

    /** Returns the IAM user ARN that API Gateway's IAM authoriser put in the request context, if any. */
    static Optional<String> callerArn(APIGatewayV2HTTPEvent event) {
        return Optional.ofNullable(event.getRequestContext())
                .map(APIGatewayV2HTTPEvent.RequestContext::getAuthorizer)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer::getIam)
                .map(APIGatewayV2HTTPEvent.RequestContext.IAM::getUserArn)
                .filter(arn -> !arn.isBlank());
    }
}
