package dev.handoff.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {

    @Test
    void checkpointRunsPrimer() {
        AtomicInteger runs = new AtomicInteger();
        SnapStartPriming priming = new SnapStartPriming(runs::incrementAndGet);

        priming.beforeCheckpoint(null);

        assertThat(runs).hasValue(1);
    }

    @Test
    void failingPrimerDoesNotStopCheckpoint() {
        SnapStartPriming priming = new SnapStartPriming(() -> {
            throw new IllegalStateException("ledger table not found");
        });

        assertThatCode(() -> priming.beforeCheckpoint(null)).doesNotThrowAnyException();
    }

    @Test
    void registrationWithoutCracIsHarmless() {
        AtomicInteger runs = new AtomicInteger();

        SnapStartPriming priming = SnapStartPriming.register(runs::incrementAndGet);

        assertThat(priming).isNotNull();
        assertThat(runs).hasValue(0);
    }
}
