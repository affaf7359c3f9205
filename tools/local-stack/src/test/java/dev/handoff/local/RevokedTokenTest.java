package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static dev.handoff.local.LocalHandoffFixtures.SAMPLE_DEAL_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.domain.HandoffState;
import dev.handoff.error.FailureClass;
import dev.handoff.ledger.MessageFailure;
import dev.handoff.ledger.TenantPark;
import dev.handoff.local.ops.LocalOps;
import dev.handoff.local.ops.Operations;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Xero rejects the access token with 401. customer-upsert parks the tenant and keeps the deal's message instead of
 * retrying it into the dead-letter queue. After the token is restored and an operator unparks the tenant, the
 * held message completes the handoff.
 */
class RevokedTokenTest {

    private static final String SCOPE = "tenant:" + LocalSettings.TENANT_ID;

    private static LocalHandoff local;
    private static Operations operations;
    private static List<TenantPark> parksWhileRevoked;
    private static List<MessageFailure> failuresWhileRevoked;
    private static HandoffState stateWhileParked;
    private static int deadLettersWhileParked;
    private static boolean unparked;

    @BeforeAll
    static void revokeThenUnpark() throws InterruptedException {
        local = LocalHandoffFixtures.startLocalHandoff();
        operations = LocalOps.of(local, "revoked-token-test");
        local.xero().revokeAccessToken(true);

        LocalHandoffFixtures.sendWebhook(local, LocalHandoffFixtures.webhookSender(), LocalHandoffFixtures.sampleWebhookBody());
        awaitPark();
        // Let the held message come back a few times while the tenant is parked (the local parked delay is 2 s).
        Thread.sleep(Duration.ofSeconds(7).toMillis());
        parksWhileRevoked = operations.parks();
        failuresWhileRevoked = operations.messageFailures();
        stateWhileParked = LocalHandoffFixtures.handoff(local, SAMPLE_DEAL_ID).state();
        deadLettersWhileParked = local.deadLetterCount();

        local.xero().revokeAccessToken(false);
        unparked = operations.unpark(SCOPE);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void revokedTokenParksTenant() {
        assertThat(parksWhileRevoked).extracting(TenantPark::scope).containsExactly(SCOPE);
        assertThat(parksWhileRevoked.get(0).reason()).contains("401");
    }

    @Test
    void failureIsConfigurationClass() {
        assertThat(failuresWhileRevoked).extracting(MessageFailure::failureClass).contains(FailureClass.CONFIGURATION);
    }

    @Test
    void parkedMessageIsKeptNotDeadLettered() {
        assertThat(stateWhileParked).isEqualTo(HandoffState.RECEIVED);
        assertThat(deadLettersWhileParked).isZero();
    }

    @Test
    void parkedMessageIsNotReportedFailed() {
        assertThat(local.stack().metrics().get("CustomerUpsertFunction").failedRecords()).isZero();
    }

    @Test
    void unparkCompletesHandoff() {
        assertThat(unparked).isTrue();
        assertThat(LocalHandoffFixtures.handoff(local, SAMPLE_DEAL_ID).state()).isEqualTo(HandoffState.INVOICED);
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, SAMPLE_DEAL_ID)).hasSize(1);
        assertThat(local.deadLetterCount()).isZero();
    }

    private static void awaitPark() throws InterruptedException {
        for (int i = 0; i < 300 && operations.parks().isEmpty(); i++) {
            Thread.sleep(100);
        }
    }
}
