package dev.handoff.local.ops;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.OperationsLog;
import dev.handoff.ledger.OpsAction;
import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalHandoffFixtures;
import dev.handoff.local.ops.OpsRun.Output;
import dev.handoff.local.LocalSettings;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./handoff ops} commands on one local stack where two deals went to the deal-won dead-letter queue during
 * a Xero outage. The tests run in order, because each command changes the state that the next one reads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsCommandTest {

    private static final String FIRST_DEAL = "48000000001";
    private static final String SECOND_DEAL = "48000000201";

    private static LocalHandoff local;
    private static Operations operations;

    @BeforeAll
    static void deadLetterTwoDeals() {
        local = LocalHandoffFixtures.startLocalHandoff();
        operations = LocalOps.of(local, "ops-test");
        LocalHandoffFixtures.seedReadyDeal(local.hubspot(), SECOND_DEAL, "Tsitsikamma Timber (Pty) Ltd",
                "accounts@tsitsikamma-timber.example.test", "4100000033");

        local.xero().outage(true);
        WebhookSender sender = LocalHandoffFixtures.webhookSender();
        for (String deal : List.of(FIRST_DEAL, SECOND_DEAL)) {
            LocalHandoffFixtures.sendWebhook(local, sender,
                    LocalHandoffFixtures.wonEventBody(Long.parseLong(deal) + 1_000_000_000L, deal, 0));
        }
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
        local.xero().outage(false);
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    @Order(1)
    void dlqListShowsReasons() {
        Output output = run("dlq", "list");

        assertThat(output.exitCode()).isZero();
        assertThat(output.text()).contains("DealWonQueue dead-letter queue: 2 message(s)");
        assertThat(output.text()).contains("hubspot:9999999:" + FIRST_DEAL).contains("hubspot:9999999:" + SECOND_DEAL);
        assertThat(output.text()).contains("RETRYABLE: retries exhausted");
    }

    @Test
    @Order(2)
    void redriveByDealMovesOnlyThatDeal() {
        Output output = run("dlq", "redrive", "--deal", FIRST_DEAL);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(output.exitCode()).isZero();
        assertThat(output.text()).contains("Moved 1 message(s)");
        assertThat(state(FIRST_DEAL)).isEqualTo(HandoffState.INVOICED);
        assertThat(state(SECOND_DEAL)).isEqualTo(HandoffState.RECEIVED);
        assertThat(operations.deadLetterDepths()).containsEntry("DealWonQueue", 1);
    }

    @Test
    @Order(3)
    void redriveByDealWithNothingFails() {
        Output output = run("dlq", "redrive", "--deal", FIRST_DEAL);

        assertThat(output.exitCode()).isEqualTo(1);
        assertThat(output.text()).contains("no dead-letter message of hubspot:9999999:" + FIRST_DEAL);
        assertThat(operations.deadLetterDepths()).containsEntry("DealWonQueue", 1);
    }

    @Test
    @Order(4)
    void checkPassesWithReasonedDeadLetter() {
        Output output = run("check");

        assertThat(output.exitCode()).isZero();
        assertThat(output.text()).contains("ops check passed");
    }

    @Test
    @Order(5)
    void timelineShowsEveryStep() {
        Output output = run("timeline", FIRST_DEAL);

        assertThat(output.exitCode()).isZero();
        assertThat(output.text()).contains("(INVOICED").contains("RETRY_SCHEDULED").contains("RETRIES_EXHAUSTED")
                .contains("dlq redrive");
    }

    @Test
    @Order(6)
    void replayResumesFailedHandoff() {
        HandoffKey key = HandoffKey.hubspot(LocalSettings.PORTAL_ID, FIRST_DEAL);
        Handoff invoiced = local.ledger().find(key).orElseThrow();
        local.ledger().transition(invoiced, HandoffState.FAILED, HandoffChange.none()
                .set(HandoffChange.Attribute.BLOCKED_REASON, "Data error on invoice: fix it, then replay")
                .set(HandoffChange.Attribute.BLOCKED_FIELDS, List.of("invoice"))
                .set(HandoffChange.Attribute.RESUME_STATE, HandoffState.INVOICED), Instant.now());

        Output exceptions = run("exceptions", "list");
        Output replay = run("replay", FIRST_DEAL);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(exceptions.text()).contains("hubspot:9999999:" + FIRST_DEAL + "  FAILED");
        assertThat(replay.exitCode()).isZero();
        assertThat(replay.text()).contains("PaymentEventQueue");
        assertThat(state(FIRST_DEAL)).isEqualTo(HandoffState.INVOICED);
    }

    @Test
    @Order(7)
    void redriveAllCompletesTheRest() {
        Output output = run("dlq", "redrive", "--queue", "DealWonQueue");
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        assertThat(output.exitCode()).isZero();
        assertThat(output.text()).contains("DealWonQueue: moved 1 message(s) back");
        assertThat(state(SECOND_DEAL)).isEqualTo(HandoffState.INVOICED);
        assertThat(local.deadLetterCount()).isZero();
        assertThat(run("check").exitCode()).isZero();
    }

    @Test
    @Order(8)
    void unparkReportsUnparkedScope() {
        String scope = "tenant:" + LocalSettings.TENANT_ID;
        new OperationsLog(local.ledger()).park(scope, "Xero returned 401", Instant.now());

        Output unparked = run("unpark", scope);
        Output again = run("unpark", scope);

        assertThat(unparked.exitCode()).isZero();
        assertThat(unparked.text()).contains("Unparked " + scope);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.text()).contains(scope + " was not parked");
    }

    @Test
    @Order(9)
    void everyActionIsInLedger() {
        assertThat(operations.opsActions()).extracting(OpsAction::action)
                .contains("dlq redrive --deal", "dlq redrive", "replay", "check", "unpark");
        assertThat(operations.opsActions()).extracting(OpsAction::actor).containsOnly("ops-test");
    }

    @Test
    @Order(10)
    void usageErrorsExitTwo() {
        assertThat(run("restart").exitCode()).isEqualTo(2);
        assertThat(run("timeline").exitCode()).isEqualTo(2);
        assertThat(run("dlq", "redrive", "--queue", "NoSuchQueue").exitCode()).isEqualTo(2);
        assertThat(run("timeline", "abc").exitCode()).isEqualTo(2);
        assertThat(run("timeline", "-1").exitCode()).isEqualTo(2);
        assertThat(run("replay", "0").exitCode()).isEqualTo(2);
        assertThat(run("timeline", "hubspot:9999999:abc").exitCode()).isEqualTo(2);
        assertThat(run("dlq", "redrive", "--deal", "abc").exitCode()).isEqualTo(2);
        assertThat(run("check", "--bogus").exitCode()).isEqualTo(2);
        assertThat(run("actions", "extra").exitCode()).isEqualTo(2);
        assertThat(run("dlq", "list", "extra").exitCode()).isEqualTo(2);
    }

    @Test
    @Order(11)
    void unknownDealExitsOne() {
        Output timeline = run("timeline", "48999999999");
        Output replay = run("replay", "48999999999");

        assertThat(timeline.exitCode()).isEqualTo(1);
        assertThat(replay.exitCode()).isEqualTo(1);
        assertThat(replay.text()).contains("no handoff hubspot:9999999:48999999999 in the ledger");
    }

    @Test
    @Order(12)
    void invalidDealIdNamesTheId() {
        Output output = run("timeline", "abc");

        assertThat(output.text()).contains("deal id 'abc' is invalid");
    }

    private static Output run(String... arguments) {
        return OpsRun.run(operations, arguments);
    }

    private static HandoffState state(String dealId) {
        return local.ledger().find(HandoffKey.hubspot(LocalSettings.PORTAL_ID, dealId)).map(Handoff::state).orElse(null);
    }
}
