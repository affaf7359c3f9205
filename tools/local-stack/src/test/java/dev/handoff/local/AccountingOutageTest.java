package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static dev.handoff.local.LocalHandoffFixtures.SAMPLE_DEAL_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.domain.HandoffState;
import dev.handoff.error.FailureClass;
import dev.handoff.ledger.OpsAction;
import dev.handoff.ledger.TimelineEvent;
import dev.handoff.local.ops.DeadLetterMessage;
import dev.handoff.local.ops.LocalOps;
import dev.handoff.local.ops.Operations;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Xero returns 503 to every request for longer than the retries last. The deal-won message is sent again with
 * growing delays, then reaches the deal-won dead-letter queue with its reason in the ledger. After Xero recovers,
 * a redrive moves it back and the handoff completes with one customer and one invoice.
 */
class AccountingOutageTest {

    private static LocalHandoff local;
    private static Operations operations;
    private static List<DeadLetterMessage> deadLettersDuringOutage;
    private static List<String> violationsDuringOutage;
    private static Map<String, Integer> moved;
    private static List<String> violationsAfterRedrive;

    @BeforeAll
    static void runOutageThenRedrive() {
        local = LocalHandoffFixtures.startLocalHandoff();
        operations = LocalOps.of(local, "outage-test");
        local.xero().outage(true);

        LocalHandoffFixtures.sendWebhook(local, LocalHandoffFixtures.webhookSender(), LocalHandoffFixtures.sampleWebhookBody());
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
        deadLettersDuringOutage = operations.deadLetters();

        local.xero().outage(false);
        violationsDuringOutage = operations.check();
        moved = operations.redrive(Optional.empty());
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
        violationsAfterRedrive = operations.check();
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void outageSendsDealWonToDlq() {
        assertThat(deadLettersDuringOutage).hasSize(1);
        assertThat(deadLettersDuringOutage.get(0).queue()).isEqualTo("DealWonQueue");
        assertThat(deadLettersDuringOutage.get(0).handoffKey()).isEqualTo(LocalHandoffFixtures.handoffKey(SAMPLE_DEAL_ID).value());
    }

    @Test
    void dlqMessageHasLedgerReason() {
        DeadLetterMessage message = deadLettersDuringOutage.get(0);

        assertThat(message.failure()).isPresent();
        assertThat(message.failure().get().failureClass()).isEqualTo(FailureClass.RETRYABLE);
        assertThat(message.failure().get().reason()).contains("retries exhausted").contains("503");
    }

    @Test
    void retriesAreScheduledBeforeDlq() {
        List<TimelineEvent> timeline = local.ledger().timeline(LocalHandoffFixtures.handoffKey(SAMPLE_DEAL_ID));

        assertThat(timeline).filteredOn(event -> event.outcome().equals("RETRY_SCHEDULED")).hasSize(3);
        assertThat(timeline).filteredOn(event -> event.outcome().equals("RETRIES_EXHAUSTED")).isNotEmpty();
    }

    @Test
    void checkPassesBeforeRedrive() {
        assertThat(violationsDuringOutage).isEmpty();
    }

    @Test
    void redriveMovesOneMessage() {
        assertThat(moved).containsEntry("DealWonQueue", 1);
        assertThat(local.deadLetterCount()).isZero();
    }

    @Test
    void redriveCompletesHandoff() {
        assertThat(LocalHandoffFixtures.handoff(local, SAMPLE_DEAL_ID).state()).isEqualTo(HandoffState.INVOICED);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, SAMPLE_DEAL_ID)).hasSize(1);
        assertThat(LocalHandoffFixtures.contactsForCompany(local, "4800000001")).hasSizeLessThanOrEqualTo(1);
        assertThat(local.xero().contacts(LocalSettings.TENANT_ID)).hasSize(1);
    }

    @Test
    void checkPassesAfterRedrive() {
        assertThat(violationsAfterRedrive).isEmpty();
    }

    @Test
    void redriveIsRecordedInLedger() {
        assertThat(operations.opsActions()).extracting(OpsAction::action).contains("dlq redrive", "check");
        assertThat(operations.opsActions()).extracting(OpsAction::actor).containsOnly("outage-test");
    }
}
