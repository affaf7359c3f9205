package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffState;
import dev.handoff.local.reviews.ReviewsApi;
import dev.handoff.local.reviews.ReviewsCommand;
import dev.handoff.local.scenario.DemoScenarios;
import dev.handoff.local.scenario.ReviewScenario;
import dev.handoff.local.scenario.ReviewScenarios;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The five review scenarios of {@code ./handoff demo --scenario NAME} on one local stack: each ends with one
 * pending review, and with no invoice where the rule puts the handoff on hold before invoicing. Approving through
 * the ops route completes the handoff with exactly one invoice. Each scenario uses its own deal.
 */
class ReviewScenariosTest {

    private static LocalHandoff local;
    private static ReviewsApi api;

    @BeforeAll
    static void startLocalHandoff() {
        local = LocalHandoffFixtures.startLocalHandoff();
        api = new ReviewsApi(local.apiBaseUrl(), Optional.empty());
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    static Stream<ReviewScenario> scenarios() {
        return Stream.of(ReviewScenarios.pricingOverride(), ReviewScenarios.creditDecision(), ReviewScenarios.taxException(),
                ReviewScenarios.customerMerge(), ReviewScenarios.commercialDispute());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void scenarioHoldsThenApprovalCompletes(ReviewScenario scenario) throws Exception {
        ReviewScenario.Outcome outcome = scenario.run(local, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(outcome.pendingReviews()).isEqualTo(1);
        assertThat(outcome.reviewType()).isEqualTo(scenario.type().name());
        assertThat(outcome.invoiceHeldBack()).isTrue();
        assertThat(outcome.approvalStatus()).isEqualTo(200);
        assertThat(outcome.invoicesAfterApproval()).isEqualTo(1);
        assertThat(outcome.pendingAfterApproval()).isZero();
        assertThat(outcome.completed()).isTrue();
        assertThat(local.hubspot().notesFor(scenario.dealId()))
                .anyMatch(note -> note.body().contains("approved by local:demo"));
    }

    @Test
    void everyReviewTypeHasScenario() {
        assertThat(DemoScenarios.all()).extracting(scenario -> scenario.name())
                .contains("pricing-override", "credit-decision", "tax-exception", "customer-merge", "commercial-dispute");
    }

    @Test
    void rejectionClosesHandoffWithoutInvoice() throws Exception {
        String dealId = "48000000511";
        String reviewId = holdForTaxReview(dealId, "Namaqua Solar (Pty) Ltd", "zero_rated_export");

        ReviewsApi.Reply rejected = api.reject(reviewId, "customer address is in South Africa, not an export", "demo");
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(rejected.status()).isEqualTo(200);
        assertThat(rejected.body().path("review").path("decidedBy").asText()).isEqualTo("local:demo");
        assertThat(LocalHandoffFixtures.handoff(local, dealId).state()).isEqualTo(HandoffState.REJECTED);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, dealId)).isEmpty();
        assertThat(local.hubspot().dealProperties(dealId).get(CrmProperties.HANDOFF_STATUS)).isEqualTo("REJECTED");
    }

    @Test
    void decidingTwiceIsConflict() throws Exception {
        String dealId = "48000000512";
        String reviewId = holdForTaxReview(dealId, "Tankwa Tours (Pty) Ltd", "exempt");

        assertThat(api.approve(reviewId, "exempt supply", "demo").status()).isEqualTo(200);
        assertThat(api.approve(reviewId, "exempt supply", "demo").status()).isEqualTo(409);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, dealId)).hasSize(1);
    }

    @Test
    void cliListsShowsAndApprovesReview() throws Exception {
        String dealId = "48000000513";
        String reviewId = holdForTaxReview(dealId, "Cederberg Rooibos (Pty) Ltd", "zero_rated");
        String apiUrl = local.apiBaseUrl().toString();

        ByteArrayOutputStream listOutput = new ByteArrayOutputStream();
        int listExit = cli(listOutput).run(List.of("list", "--type", "TAX_EXCEPTION", "--api", apiUrl));
        ByteArrayOutputStream showOutput = new ByteArrayOutputStream();
        int showExit = cli(showOutput).run(List.of("show", reviewId, "--api", apiUrl));
        int approveExit = cli(new ByteArrayOutputStream()).run(List.of("approve", reviewId, "--reason", "zero-rated supply confirmed",
                "--reviewer", "thandi", "--api", apiUrl));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(listExit).isZero();
        assertThat(listOutput.toString(StandardCharsets.UTF_8)).contains(reviewId).contains("TAX_EXCEPTION");
        assertThat(showExit).isZero();
        assertThat(showOutput.toString(StandardCharsets.UTF_8)).contains("\"companyName\" : \"Cederberg Rooibos (Pty) Ltd\"");
        assertThat(approveExit).isZero();
        assertThat(api.show(reviewId).body().path("review").path("decidedBy").asText()).isEqualTo("local:thandi");
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, dealId)).hasSize(1);
    }

    @Test
    void cliDefaultsToRunningStackAndSystemUser() throws Exception {
        String dealId = "48000000526";
        String reviewId = holdForTaxReview(dealId, "Swartberg Olives (Pty) Ltd", "zero_rated");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        // No --api, no HANDOFF_API_URL and no USER: the command must find the stack and the reviewer itself.
        ReviewsCommand cli = new ReviewsCommand(Map.of(), local::apiBaseUrl,
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(errors, true, StandardCharsets.UTF_8));

        int approveExit = cli.run(List.of("approve", reviewId, "--reason", "zero-rated supply confirmed"));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(approveExit).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(api.show(reviewId).body().path("review").path("decidedBy").asText())
                .isEqualTo("local:" + System.getProperty("user.name"));
    }

    @Test
    void cliDecisionWithoutReasonIsUsageError() throws Exception {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = new ReviewsCommand(Map.of(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(errors, true, StandardCharsets.UTF_8))
                .run(List.of("reject", "hubspot:9999999:1/1", "--api", local.apiBaseUrl().toString()));

        assertThat(exit).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("--reason is required");
    }

    @Test
    void cliExitCodesSeparateUsageFromNotFound() throws Exception {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        ReviewsCommand cli = new ReviewsCommand(Map.of(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(errors, true, StandardCharsets.UTF_8));

        int malformed = cli.run(List.of("show", "nope", "--api", local.apiBaseUrl().toString()));
        int unknown = cli.run(List.of("show", "hubspot:9999999:48999999999/1", "--api", local.apiBaseUrl().toString()));

        assertThat(malformed).isEqualTo(2);
        assertThat(unknown).isEqualTo(1);
    }

    @Test
    void overdueXeroCustomerWaitsForCreditDecision() throws Exception {
        String dealId = "48000000514";
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), dealId, "Overberg Grain (Pty) Ltd", "accounts@overberg-grain.example.test",
                "4100000514");
        ObjectNode existing = new ObjectMapper().createObjectNode();
        existing.put("Name", "Overberg Grain (Pty) Ltd");
        existing.put("ContactNumber", LocalHandoffFixtures.companyIdFor(dealId));
        existing.putObject("Balances").putObject("AccountsReceivable").put("Outstanding", 12000.00).put("Overdue", 4500.00);
        local.xero().seedContact(LocalSettings.TENANT_ID, existing);

        LocalHandoffFixtures.sendWebhook(local, LocalHandoffFixtures.webhookSender(),
                LocalHandoffFixtures.wonEventBody(3000000514L, dealId, 0));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        JsonNode review = api.show(pendingId(dealId)).body().path("review");
        assertThat(review.path("type").asText()).isEqualTo("CREDIT_DECISION");
        assertThat(review.path("reason").asText()).contains("4500.00 overdue");
        assertThat(review.path("resumeState").asText()).isEqualTo("CUSTOMER_READY");
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, dealId)).isEmpty();
    }

    @Test
    void belowCataloguePriceWaitsForPricingReview() throws Exception {
        String dealId = "48000000515";
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), dealId, "Knysna Boatworks (Pty) Ltd",
                "accounts@knysna-boatworks.example.test", "4100000515");
        local.hubspot().putProduct("1515", Map.of("name", "Hull survey", "price", "1000.00"));
        local.hubspot().putLineItem(LocalHandoffFixtures.lineItemIdFor(dealId), Map.of("name", "Hull survey",
                "quantity", "1", "price", "880.00", "hs_product_id", "1515", "handoff_tax_category", "standard"));

        LocalHandoffFixtures.sendWebhook(local, LocalHandoffFixtures.webhookSender(),
                LocalHandoffFixtures.wonEventBody(3000000515L, dealId, 0));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        String reviewId = pendingId(dealId);
        JsonNode review = api.show(reviewId).body().path("review");
        assertThat(review.path("type").asText()).isEqualTo("PRICING_OVERRIDE");
        assertThat(review.path("reason").asText()).contains("12.00% below its catalogue price");
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, dealId)).isEmpty();

        assertThat(api.approve(reviewId, "agreed loyalty price", "demo").status()).isEqualTo(200);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, dealId)).hasSize(1);
    }

    @Test
    void malformedDecisionIsClientError() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(local.apiBaseUrl() + "/ops/reviews/approve"))
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("not valid JSON");
    }

    @Test
    void decisionWithoutReviewerIsClientError() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(local.apiBaseUrl() + "/ops/reviews/approve"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"hubspot:9999999:1/1\",\"reason\":\"ok\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("reviewer is missing");
    }

    @Test
    void unknownReviewTypeIsClientError() throws Exception {
        assertThat(api.list("PENDING", "NOT_A_TYPE", null).status()).isEqualTo(400);
    }

    private static ReviewsCommand cli(ByteArrayOutputStream out) {
        return new ReviewsCommand(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Wins a made-up deal whose one line has the given tax category, and returns the pending review's id. */
    private static String holdForTaxReview(String dealId, String companyName, String taxCategory) throws Exception {
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), dealId, companyName, "accounts@" + dealId + ".example.test",
                "41" + dealId.substring(dealId.length() - 8));
        local.hubspot().putLineItem(LocalHandoffFixtures.lineItemIdFor(dealId), Map.of(
                "name", "Service", "quantity", "1", "price", "900.00", "handoff_tax_category", taxCategory));
        long eventId = 3_000_000_000L + Long.parseLong(dealId.substring(dealId.length() - 4));
        LocalHandoffFixtures.sendWebhook(local, LocalHandoffFixtures.webhookSender(), LocalHandoffFixtures.wonEventBody(eventId, dealId, 0));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
        return pendingId(dealId);
    }

    private static String pendingId(String dealId) throws Exception {
        List<JsonNode> pending = new java.util.ArrayList<>();
        api.list("PENDING", null, null).body().path("reviews").forEach(item -> {
            if (item.path("handoffKey").asText().endsWith(":" + dealId)) {
                pending.add(item);
            }
        });
        assertThat(pending).hasSize(1);
        return pending.get(0).path("id").asText();
    }
}
