package dev.handoff.function.reviews;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.Ledger;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.message.QueuePublisher;
import dev.handoff.ratelimit.RequestBudget;
import dev.handoff.review.ReviewDecisionService;
import dev.handoff.review.ReviewItem;
import dev.handoff.review.ReviewOpsService;
import dev.handoff.review.ReviewStatus;
import dev.handoff.review.ReviewStore;
import dev.handoff.review.ReviewType;
import dev.handoff.service.CrmStatusWriter;
import dev.handoff.testing.EngineTestData;
import dev.handoff.testing.FakeCrm;
import dev.handoff.testing.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An approval whose CRM note meets a spent HubSpot request budget, on the real ledger (dynalite) and queues
 * (ElasticMQ). The handler returns 503 with Retry-After up to the end of the budget's window, and the same
 * approval sent again once the window has passed completes it.
 */
@ExtendWith(LocalEnginesExtension.class)
class ReviewOpsThrottleTest {

    private static final String BUDGET_SCOPE = "hubspot:portal:" + Fixtures.PORTAL_ID;
    private static final Duration WINDOW = Duration.ofMinutes(10);
    /** Aligned to the 10-minute window, so the spent budget frees up exactly 600 s later. */
    private static final Instant NOW = Instant.parse("2026-03-01T06:00:00Z");

    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final ProvisionedResources resources;
    private final Ledger ledger;
    private final ReviewStore reviews;
    private final RequestBudget budget;
    /** The instant the fake CRM spends its budget at; {@link #handler} sets it to that handler's clock. */
    private final Instant[] clockNow = {NOW};

    ReviewOpsThrottleTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.resources = resources;
        this.ledger = new Ledger(dynamoDb, resources.tableName("LedgerTable"));
        this.reviews = new ReviewStore(dynamoDb, resources.tableName("LedgerTable"));
        this.budget = new RequestBudget(dynamoDb, resources.tableName("LedgerTable"));
    }

    @Test
    void approveWithSpentBudgetIs503ThenRepeats() {
        EngineTestData.deleteAllItems(dynamoDb, resources.tableName("LedgerTable"));
        EngineTestData.receiveAndDeleteAll(sqs, resources.queueUrl("DealWonQueue"));
        HandoffKey key = HandoffKey.hubspot(Fixtures.PORTAL_ID, "48000000777");
        Handoff handoff = ledger.openHandoff(key, Fixtures.TENANT_ID, Fixtures.PORTAL_ID + ":3000000777", NOW);
        ledger.transition(handoff, HandoffState.IN_REVIEW,
                HandoffChange.none().set(HandoffChange.Attribute.RESUME_STATE, HandoffState.RECEIVED), NOW);
        ReviewItem review = reviews.create(ReviewItem.pending(key, 1, ReviewType.TAX_EXCEPTION, "line 9001 is exempt",
                List.of("line_item.9001.tax_category"), Map.of(), HandoffState.RECEIVED, NOW));
        FakeCrm crm = new FakeCrm() {
            @Override
            public void addDealNote(String dealId, String text) {
                budget.spend(BUDGET_SCOPE, 1, WINDOW, clockNow[0]);
                super.addDealNote(dealId, text);
            }
        };
        budget.spend(BUDGET_SCOPE, 1, WINDOW, NOW);

        APIGatewayV2HTTPResponse throttled = handler(crm, NOW).handleRequest(approval(review.id()), null);

        assertThat(throttled.getStatusCode()).isEqualTo(503);
        assertThat(throttled.getHeaders()).containsEntry("Retry-After", "600");
        assertThat(throttled.getBody()).contains("request budget " + BUDGET_SCOPE + " is spent");
        assertThat(crm.notes).isEmpty();

        Instant nextWindow = NOW.plus(WINDOW);
        APIGatewayV2HTTPResponse repeated = handler(crm, nextWindow).handleRequest(approval(review.id()), null);

        assertThat(repeated.getStatusCode()).isEqualTo(200);
        assertThat(reviews.find(review.id()).orElseThrow().status()).isEqualTo(ReviewStatus.APPROVED);
        assertThat(crm.notes).hasSize(1);
        assertThat(ledger.find(key).orElseThrow().state()).isEqualTo(HandoffState.RECEIVED);
        assertThat(EngineTestData.receiveAndDeleteAll(sqs, resources.queueUrl("DealWonQueue"))).hasSize(1);
    }

    private ReviewOpsHandler handler(FakeCrm crm, Instant now) {
        clockNow[0] = now;
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        ReviewDecisionService decisions = new ReviewDecisionService(ledger, reviews, new CrmStatusWriter(crm, ledger, clock),
                new QueuePublisher(sqs), resources.queueUrl("DealWonQueue"), resources.queueUrl("InvoiceRequestQueue"),
                resources.queueUrl("PaymentEventQueue"), clock);
        return new ReviewOpsHandler(new ReviewOpsService(decisions, clock));
    }

    private static APIGatewayV2HTTPEvent approval(String reviewId) {
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath("/ops/reviews/approve")
                .withRequestContext(RequestContext.builder()
                        .withHttp(RequestContext.Http.builder().withMethod("POST").build()).build())
                .withBody("{\"id\":\"" + reviewId + "\",\"reason\":\"exempt supply\",\"reviewer\":\"finance\"}")
                .build();
    }
}
