package dev.handoff.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalSettings;
import dev.handoff.local.reviews.ReviewsApi;
import dev.handoff.review.ReviewType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deal that one review rule puts on hold, on a local stack the scenario starts and stops. It seeds the deal,
 * sends the event that starts it, and checks that the handoff waits on exactly one pending review of the
 * expected type (with no invoice, where the rule keeps the invoice back until approval). Then it approves the
 * review through the ops route, as {@code ./handoff reviews approve} does, and checks that the handoff completes with exactly one invoice.
 */
public final class ReviewScenario implements DemoScenario {

    /** A step of a scenario on the running stack, for one deal. */
    @FunctionalInterface
    public interface Step {
        void run(LocalHandoff local, String dealId) throws Exception;
    }

    private static final Duration QUIESCENCE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String summary;
    private final ReviewType type;
    private final String dealId;
    private final Step seed;
    private final Step start;
    private final boolean holdsInvoiceBack;
    private final HandoffState stateAfterApproval;

    public ReviewScenario(String name, String summary, ReviewType type, String dealId, Step seed, Step start,
            boolean holdsInvoiceBack, HandoffState stateAfterApproval) {
        this.name = name;
        this.summary = summary;
        this.type = type;
        this.dealId = dealId;
        this.seed = seed;
        this.start = start;
        this.holdsInvoiceBack = holdsInvoiceBack;
        this.stateAfterApproval = stateAfterApproval;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return summary;
    }

    public ReviewType type() {
        return type;
    }

    public String dealId() {
        return dealId;
    }

    @Override
    public int run(Path root, PrintStream results, PrintStream log, boolean json) throws Exception {
        try (LocalHandoff local = LocalHandoff.start(0, RETRY_DELAY, "PAID")) {
            Outcome outcome = run(local, log);
            results.println(outcome.toJson());
            if (!json) {
                results.println(outcome.completed()
                        ? "The " + name + " scenario completed: one review held the handoff, and approving it finished it."
                        : "The " + name + " scenario did NOT complete; see the log above.");
            }
            return outcome.completed() ? 0 : 1;
        }
    }

    /** Counts and states the scenario observed before and after the approval. */
    public record Outcome(String scenario, String reviewType, String reviewId, int pendingReviews, int invoicesBeforeApproval,
            boolean invoiceHeldBack, int approvalStatus, String stateAfterApproval, int invoicesAfterApproval,
            int pendingAfterApproval, boolean completed) {

        public String toJson() {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("scenario", scenario);
            fields.put("reviewType", reviewType);
            fields.put("reviewId", reviewId);
            fields.put("pendingReviews", pendingReviews);
            fields.put("invoicesBeforeApproval", invoicesBeforeApproval);
            fields.put("approvalStatus", approvalStatus);
            fields.put("stateAfterApproval", stateAfterApproval);
            fields.put("invoicesAfterApproval", invoicesAfterApproval);
            fields.put("pendingAfterApproval", pendingAfterApproval);
            fields.put("completed", completed);
            try {
                return JSON.writeValueAsString(fields);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Could not write the scenario outcome", e);
            }
        }
    }

    /** Runs the scenario on a stack that is already up, and returns what it saw. */
    public Outcome run(LocalHandoff local, PrintStream log) throws Exception {
        seed.run(local, dealId);
        start.run(local, dealId);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        ReviewsApi api = new ReviewsApi(local.apiBaseUrl(), Optional.empty());
        List<JsonNode> pending = pendingForDeal(api);
        int invoicesBefore = invoicesForDeal(local).size();
        log.println("[" + name + "] pending reviews for deal " + dealId + ": " + pending.size()
                + "; invoices in Xero: " + invoicesBefore);
        if (pending.size() != 1) {
            return new Outcome(name, type.name(), null, pending.size(), invoicesBefore, false, 0, state(local), invoicesBefore,
                    pending.size(), false);
        }
        JsonNode review = pending.get(0);
        log.println("[" + name + "] review " + review.path("id").asText() + " (" + review.path("type").asText() + "): "
                + review.path("reason").asText());

        ReviewsApi.Reply approval = api.approve(review.path("id").asText(), "Approved in the " + name + " demo", "demo");
        log.println("[" + name + "] approve -> HTTP " + approval.status());
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        int invoicesAfter = invoicesForDeal(local).size();
        int pendingAfter = pendingForDeal(api).size();
        String stateAfter = state(local);
        boolean heldBack = !holdsInvoiceBack || invoicesBefore == 0;
        boolean completed = type.name().equals(review.path("type").asText()) && heldBack && approval.ok()
                && stateAfterApproval.name().equals(stateAfter) && invoicesAfter == 1 && pendingAfter == 0;
        return new Outcome(name, review.path("type").asText(), review.path("id").asText(), pending.size(), invoicesBefore,
                heldBack, approval.status(), stateAfter, invoicesAfter, pendingAfter, completed);
    }

    private List<JsonNode> pendingForDeal(ReviewsApi api) throws Exception {
        ReviewsApi.Reply reply = api.list("PENDING", null, null);
        if (!reply.ok()) {
            throw new IllegalStateException("Listing reviews failed: " + reply.message());
        }
        String handoffKey = HandoffKey.hubspot(LocalSettings.PORTAL_ID, dealId).value();
        List<JsonNode> ours = new ArrayList<>();
        reply.body().path("reviews").forEach(item -> {
            if (handoffKey.equals(item.path("handoffKey").asText())) {
                ours.add(item);
            }
        });
        return ours;
    }

    private String state(LocalHandoff local) {
        return local.ledger().find(HandoffKey.hubspot(LocalSettings.PORTAL_ID, dealId))
                .map(handoff -> handoff.state().name())
                .orElse("NONE");
    }

    private List<ObjectNode> invoicesForDeal(LocalHandoff local) {
        return local.xero().invoices(LocalSettings.TENANT_ID).stream()
                .filter(invoice -> ("HS-" + dealId).equals(invoice.path("Reference").asText()))
                .toList();
    }
}
