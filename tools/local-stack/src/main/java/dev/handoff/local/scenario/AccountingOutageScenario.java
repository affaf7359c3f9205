package dev.handoff.local.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.TimelineEvent;
import dev.handoff.local.DemoStory;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalSettings;
import dev.handoff.local.ops.DeadLetterMessage;
import dev.handoff.local.ops.LocalOps;
import dev.handoff.local.ops.Operations;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Xero is down for longer than the retries last. The sample deal's message is retried with growing delays and
 * then reaches the deal-won dead-letter queue with its reason in the ledger. Xero recovers, the operator runs
 * the equivalent of {@code ./handoff ops dlq redrive}, and the handoff completes through payment and onboarding.
 */
public final class AccountingOutageScenario implements DemoScenario {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "accounting-outage";
    }

    @Override
    public String summary() {
        return "Xero is down past the retries: the deal lands in the DLQ, then completes after ops dlq redrive";
    }

    @Override
    public int run(Path root, PrintStream results, PrintStream log, boolean json) throws Exception {
        try (LocalHandoff local = LocalHandoff.start(0, RETRY_DELAY, "PAID")) {
            Operations operations = LocalOps.of(local, LocalOps.LOCAL_ACTOR);
            DemoStory story = new DemoStory(local, root, log);
            byte[] body = DemoStory.sampleHubSpotBody(root);
            HandoffKey key = HandoffKey.hubspot(LocalSettings.PORTAL_ID, DemoStory.dealIdOf(body));

            log.println("1. Xero goes down: every API call gets 503 Service Unavailable");
            local.xero().outage(true);
            log.println("2. HubSpot sends the signed deal-won webhook for deal " + key.dealId());
            new WebhookSender(LocalSettings.HUBSPOT_CLIENT_SECRET, Clock.systemUTC())
                    .send(local.hubSpotWebhookUrl(), local.hubSpotWebhookUrl().toString(), body);
            local.awaitQuiescence(STEP_TIMEOUT);
            List<DeadLetterMessage> deadLetters = operations.deadLetters();
            log.println("3. Retries ran out; ./handoff ops dlq list shows:");
            deadLetters.forEach(message -> log.println("   " + message.queue() + "  " + message.messageId() + "  "
                    + message.failure().map(failure -> failure.failureClass() + ": " + failure.reason()).orElse("no reason")));

            log.println("4. Xero recovers; the operator runs ./handoff ops dlq redrive");
            local.xero().outage(false);
            Map<String, Integer> moved = operations.redrive(Optional.empty());
            log.println("   moved back: " + moved);
            local.awaitQuiescence(STEP_TIMEOUT);

            Optional<Handoff> invoiced = local.ledger().find(key);
            log.println("5. Handoff is " + invoiced.map(Handoff::state).orElse(null) + " after the redrive");
            if (invoiced.isPresent() && invoiced.get().state() == HandoffState.INVOICED) {
                story.payInFull(invoiced.get(), 6);
                local.awaitQuiescence(STEP_TIMEOUT);
            }
            int triggers = story.drainOnboardingQueue();
            List<String> violations = operations.check();
            log.println("7. Onboarding triggers: " + triggers + "; ops check: "
                    + (violations.isEmpty() ? "passed" : violations));

            Outcome outcome = new Outcome(deadLetters.size(), moved.values().stream().mapToInt(Integer::intValue).sum(),
                    local.xero().invoices(LocalSettings.TENANT_ID).size(), triggers, local.deadLetterCount(),
                    violations.size(), local.ledger().find(key).map(Handoff::state).orElse(null));
            if (!json) {
                printTimeline(local, key, results);
            }
            results.println(outcome.toJson());
            if (!json) {
                results.println(outcome.completed() ? "The outage scenario completed." : "The outage scenario did NOT complete.");
            }
            return outcome.completed() ? 0 : 1;
        }
    }

    /** Counts from one run. The run completed when the one deal went to the DLQ, came back and finished once. */
    record Outcome(int deadLettered, int redriven, int invoices, int onboardingTriggers, int deadLettersLeft,
            int checkViolations, HandoffState finalState) {

        boolean completed() {
            return deadLettered == 1 && redriven == 1 && invoices == 1 && onboardingTriggers == 1 && deadLettersLeft == 0
                    && checkViolations == 0 && finalState == HandoffState.ONBOARDING_SENT;
        }

        String toJson() throws IOException {
            ObjectNode node = JSON.createObjectNode();
            node.put("scenario", "accounting-outage");
            node.put("deadLettered", deadLettered);
            node.put("redriven", redriven);
            node.put("invoicesCreated", invoices);
            node.put("onboardingTriggers", onboardingTriggers);
            node.put("dlqMessages", deadLettersLeft);
            node.put("checkViolations", checkViolations);
            node.put("finalState", finalState == null ? null : finalState.name());
            return JSON.writeValueAsString(node);
        }
    }

    private static void printTimeline(LocalHandoff local, HandoffKey key, PrintStream out) {
        out.println("Handoff " + key + " (" + local.ledger().find(key).map(Handoff::state).orElse(null) + ")");
        for (TimelineEvent event : local.ledger().timeline(key)) {
            out.printf("  %-32s %-12s %-18s %s%n", event.at(), event.step(), event.outcome(),
                    event.detail() == null ? "" : event.detail());
        }
    }
}
