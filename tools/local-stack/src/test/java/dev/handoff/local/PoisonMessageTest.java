package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static dev.handoff.local.LocalHandoffFixtures.SAMPLE_DEAL_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.domain.HandoffState;
import dev.handoff.error.FailureClass;
import dev.handoff.local.ops.DeadLetterMessage;
import dev.handoff.local.ops.LocalOps;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A message on the deal-won queue that is not JSON fails on every receive. The queue's redrive policy moves it
 * to the deal-won dead-letter queue after 5 receives, with the reason in the ledger under its message id, while a
 * good deal sent alongside it completes.
 */
class PoisonMessageTest {

    private static final String POISON_BODY = "deal 48000000001 won <not json>";

    private static LocalHandoff local;
    private static HttpResponse<String> goodWebhookResponse;

    @BeforeAll
    static void sendPoisonNextToGoodDeal() {
        local = LocalHandoffFixtures.startLocalHandoff();
        String dealWonQueueUrl = local.stack().queueUrl("DealWonQueue");

        local.stack().sqs().sendMessage(request -> request.queueUrl(dealWonQueueUrl).messageBody(POISON_BODY));
        goodWebhookResponse = LocalHandoffFixtures.sendWebhook(local, LocalHandoffFixtures.webhookSender(),
                LocalHandoffFixtures.sampleWebhookBody());
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void poisonMessageEndsInDealWonDlq() {
        Map<String, Integer> depths = local.stack().dlqDepths();

        assertThat(depths.get("DealWonDeadLetterQueue")).isEqualTo(1);
        assertThat(local.deadLetterCount()).isEqualTo(1);
    }

    @Test
    void poisonMessageIsReceivedFiveTimes() {
        long failedRecords = local.stack().metrics().get("CustomerUpsertFunction").failedRecords();

        assertThat(failedRecords).isEqualTo(5);
    }

    @Test
    void deadLetterKeepsPoisonBody() {
        String dlqUrl = local.stack().queueUrl("DealWonDeadLetterQueue");

        // The visibility timeout of 0 returns the message at once, so the depth checks of the other tests still count it.
        List<Message> messages = local.stack().sqs()
                .receiveMessage(request -> request.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(0))
                .messages();

        assertThat(messages).extracting(Message::body).containsExactly(POISON_BODY);
    }

    @Test
    void poisonReasonIsInLedger() {
        List<DeadLetterMessage> deadLetters = LocalOps.of(local, "poison-test").deadLetters();

        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).handoffKey()).isNull();
        assertThat(deadLetters.get(0).failure()).isPresent();
        assertThat(deadLetters.get(0).failure().get().failureClass()).isEqualTo(FailureClass.DATA);
        assertThat(deadLetters.get(0).failure().get().reason()).contains("DealWonMessage");
    }

    @Test
    void goodDealCompletesNextToPoison() {
        assertThat(goodWebhookResponse.statusCode()).isEqualTo(200);
        assertThat(LocalHandoffFixtures.handoff(local, SAMPLE_DEAL_ID).state()).isEqualTo(HandoffState.INVOICED);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, SAMPLE_DEAL_ID)).hasSize(1);
    }
}
