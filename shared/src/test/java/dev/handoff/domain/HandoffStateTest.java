package dev.handoff.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class HandoffStateTest {

    @ParameterizedTest
    @CsvSource({
        "RECEIVED,           CUSTOMER_READY",
        "CUSTOMER_READY,     INVOICE_IN_FLIGHT",
        "INVOICE_IN_FLIGHT,  INVOICED",
        "INVOICED,           PARTIALLY_PAID",
        "INVOICED,           PAID",
        "PARTIALLY_PAID,     PAID",
        "PAID,               ONBOARDING_PENDING",
        "PARTIALLY_PAID,     ONBOARDING_PENDING",
        "ONBOARDING_PENDING, ONBOARDING_SENT",
        "INVOICED,           VOIDED",
        "RECEIVED,           BLOCKED",
        "INVOICE_IN_FLIGHT,  BLOCKED",
        "BLOCKED,            RECEIVED",
        "BLOCKED,            INVOICE_IN_FLIGHT",
        "RECEIVED,           IN_REVIEW",
        "CUSTOMER_READY,     IN_REVIEW",
        "INVOICED,           IN_REVIEW",
        "PAID,               IN_REVIEW",
        "BLOCKED,            IN_REVIEW",
        "IN_REVIEW,          RECEIVED",
        "IN_REVIEW,          CUSTOMER_READY",
        "IN_REVIEW,          INVOICED",
        "IN_REVIEW,          VOIDED",
        "IN_REVIEW,          REJECTED",
    })
    void allowedTransition(HandoffState from, HandoffState to) {
        assertThat(from.canMoveTo(to)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "RECEIVED,           INVOICE_IN_FLIGHT",
        "RECEIVED,           INVOICED",
        "CUSTOMER_READY,     INVOICED",
        "CUSTOMER_READY,     CUSTOMER_READY",
        "INVOICED,           INVOICE_IN_FLIGHT",
        "PAID,               PARTIALLY_PAID",
        "PAID,               VOIDED",
        "ONBOARDING_PENDING, BLOCKED",
        "BLOCKED,            PAID",
        "BLOCKED,            ONBOARDING_SENT",
        "INVOICE_IN_FLIGHT,  IN_REVIEW",
        "IN_REVIEW,          INVOICE_IN_FLIGHT",
        "IN_REVIEW,          ONBOARDING_SENT",
        "RECEIVED,           REJECTED",
        "BLOCKED,            REJECTED",
    })
    void forbiddenTransition(HandoffState from, HandoffState to) {
        assertThat(from.canMoveTo(to)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = HandoffState.class, names = {"ONBOARDING_SENT", "VOIDED", "REJECTED"})
    void terminalStateMovesNowhere(HandoffState state) {
        assertThat(state.isTerminal()).isTrue();
        for (HandoffState next : HandoffState.values()) {
            assertThat(state.canMoveTo(next)).as("%s to %s", state, next).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(HandoffState.class)
    void everyNonTerminalStateCanProgress(HandoffState state) {
        if (state.isTerminal()) {
            return;
        }
        EnumSet<HandoffState> reachable = EnumSet.noneOf(HandoffState.class);
        for (HandoffState next : HandoffState.values()) {
            if (state.canMoveTo(next)) {
                reachable.add(next);
            }
        }
        assertThat(reachable).as("states reachable from %s", state).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = HandoffState.class, names = {"BLOCKED", "FAILED", "IN_REVIEW"})
    void blockedFailedAndInReviewAreExceptions(HandoffState state) {
        assertThat(state.isException()).isTrue();
        assertThat(state.isTerminal()).isFalse();
    }
}
