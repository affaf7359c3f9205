package dev.handoff.function.reviews;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import org.junit.jupiter.api.Test;

class ReviewOpsHandlerTest {

    @Test
    void iamCallerBecomesReviewer() {
        RequestContext.IAM iam = RequestContext.IAM.builder()
                .withUserArn("arn:aws:iam::111122223333:user/finance-lead").build();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withRequestContext(RequestContext.builder()
                        .withAuthorizer(RequestContext.Authorizer.builder().withIam(iam).build()).build())
                .build();

        assertThat(ReviewOpsHandler.callerArn(event)).contains("arn:aws:iam::111122223333:user/finance-lead");
    }

    @Test
    void unauthorisedRequestHasNoCaller() {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withRequestContext(RequestContext.builder().build())
                .build();

        assertThat(ReviewOpsHandler.callerArn(event)).isEmpty();
    }
}
