package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.error.FailureClass;
import dev.handoff.local.ops.DeadLetterMessage;
import dev.handoff.local.ops.LocalOps;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deal ids that are not positive decimal numbers. A signed webhook naming deal -1 or 0 is rejected with 400 and
 * queues nothing. A deal-won message that still carries such a key, for example one written by hand, is a data
 * error. Handoff does not retry it, and it reaches the dead-letter queue with its reason in the ledger.
 */
class InvalidDealIdTest {

    private static final String INVALID_KEY_BODY =
            "{\"handoffKey\":\"hubspot:9999999:-1\",\"eventKey\":\"9999999:3000000991\",\"occurredAt\":1760000000000}";

    private static LocalHandoff local;
    private static HttpResponse<String> negativeIdResponse;
    private static HttpResponse<String> zeroIdResponse;
    private static long dealWonRecordsAfterRejects;
    private static int deadLettersAfterRejects;

    @BeforeAll
    static void sendInvalidIds() {
        local = LocalHandoffFixtures.startLocalHandoff();
        WebhookSender sender = LocalHandoffFixtures.webhookSender();
        negativeIdResponse = LocalHandoffFixtures.sendWebhook(local, sender,
                LocalHandoffFixtures.wonEventBody(3_000_000_981L, "-1", 0));
        zeroIdResponse = LocalHandoffFixtures.sendWebhook(local, sender,
                LocalHandoffFixtures.wonEventBody(3_000_000_982L, "0", 0));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
        dealWonRecordsAfterRejects = local.stack().metrics().get("CustomerUpsertFunction").records();
        deadLettersAfterRejects = local.deadLetterCount();
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void negativeDealIdIsRejectedWith400() {
        assertThat(negativeIdResponse.statusCode()).isEqualTo(400);
        assertThat(negativeIdResponse.body()).contains("objectId is -1, not a HubSpot id");
    }

    @Test
    void zeroDealIdIsRejectedWith400() {
        assertThat(zeroIdResponse.statusCode()).isEqualTo(400);
        assertThat(zeroIdResponse.body()).contains("objectId is 0, not a HubSpot id");
    }

    @Test
    void rejectedIdsQueueNothing() {
        assertThat(dealWonRecordsAfterRejects).isZero();
        assertThat(deadLettersAfterRejects).isZero();
    }

    @Test
    void invalidKeyMessageIsDataError() {
        String dealWonQueueUrl = local.stack().queueUrl("DealWonQueue");
        local.stack().sqs().sendMessage(request -> request.queueUrl(dealWonQueueUrl).messageBody(INVALID_KEY_BODY));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        List<DeadLetterMessage> deadLetters = LocalOps.of(local, "invalid-id-test").deadLetters();

        assertThat(local.stack().dlqDepths().get("DealWonDeadLetterQueue")).isEqualTo(1);
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).failure()).isPresent();
        assertThat(deadLetters.get(0).failure().get().failureClass()).isEqualTo(FailureClass.DATA);
        assertThat(deadLetters.get(0).failure().get().reason())
                .contains("handoffKey 'hubspot:9999999:-1' is invalid");
        assertThat(deadLetters.get(0).failure().get().attempt()).isEqualTo(1);
    }
}
