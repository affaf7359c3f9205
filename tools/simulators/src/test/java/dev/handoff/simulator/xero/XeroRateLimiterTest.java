package dev.handoff.simulator.xero;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class XeroRateLimiterTest {

    private static final String TENANT = "0c6f0a3e-0000-4000-8000-0000000000aa";
    private static final String OTHER_TENANT = "0c6f0a3e-0000-4000-8000-0000000000bb";

    private final SettableClock clock = new SettableClock(Instant.parse("2026-03-02T08:00:00Z"));

    @Test
    void sixtyFirstCallInMinuteIsRejected() {
        XeroRateLimiter limiter = new XeroRateLimiter(1, clock);
        for (int i = 0; i < 60; i++) {
            assertThat(admitAndRelease(limiter, TENANT).admitted()).as("call %d", i + 1).isTrue();
            clock.advance(Duration.ofMillis(500));
        }

        XeroRateLimiter.Decision rejected = limiter.tryAcquire(TENANT);

        assertThat(rejected.admitted()).isFalse();
        assertThat(rejected.problem()).isEqualTo("minute");
        assertThat(rejected.retryAfterSeconds()).isEqualTo(30);
        assertThat(rejected.minuteRemaining()).isZero();
    }

    @Test
    void minuteWindowRolls() {
        XeroRateLimiter limiter = new XeroRateLimiter(1, clock);
        for (int i = 0; i < 60; i++) {
            admitAndRelease(limiter, TENANT);
        }

        clock.advance(Duration.ofSeconds(59));
        assertThat(limiter.tryAcquire(TENANT).admitted()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(admitAndRelease(limiter, TENANT).admitted()).isTrue();
    }

    @Test
    void timeScaleShortensMinuteWindow() {
        XeroRateLimiter limiter = new XeroRateLimiter(10, clock);
        for (int i = 0; i < 60; i++) {
            admitAndRelease(limiter, TENANT);
        }

        XeroRateLimiter.Decision rejected = limiter.tryAcquire(TENANT);
        clock.advance(Duration.ofSeconds(6));

        assertThat(limiter.minuteWindow()).isEqualTo(Duration.ofSeconds(6));
        assertThat(rejected.retryAfterSeconds()).isEqualTo(6);
        assertThat(admitAndRelease(limiter, TENANT).admitted()).isTrue();
    }

    @Test
    void sixthConcurrentCallIsRejected() {
        XeroRateLimiter limiter = new XeroRateLimiter(1, clock);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire(TENANT).admitted()).isTrue();
        }

        XeroRateLimiter.Decision rejected = limiter.tryAcquire(TENANT);
        limiter.release(TENANT);

        assertThat(rejected.admitted()).isFalse();
        assertThat(rejected.problem()).isEqualTo("concurrent");
        assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
        assertThat(limiter.tryAcquire(TENANT).admitted()).isTrue();
        assertThat(limiter.usage().get(TENANT).peakInProgress()).isEqualTo(5);
    }

    @Test
    void dailyLimitRejectsAfterFiveThousand() {
        XeroRateLimiter limiter = new XeroRateLimiter(1, clock);
        for (int i = 0; i < 5_000; i++) {
            assertThat(admitAndRelease(limiter, TENANT).admitted()).isTrue();
            clock.advance(Duration.ofSeconds(2));
        }

        XeroRateLimiter.Decision rejected = limiter.tryAcquire(TENANT);

        assertThat(rejected.admitted()).isFalse();
        assertThat(rejected.problem()).isEqualTo("daily");
        assertThat(rejected.dayRemaining()).isZero();
        assertThat(rejected.retryAfterSeconds()).isEqualTo(Duration.ofDays(1).minusSeconds(10_000).toSeconds());
    }

    @Test
    void tenantsHaveSeparateLimits() {
        XeroRateLimiter limiter = new XeroRateLimiter(1, clock);
        for (int i = 0; i < 60; i++) {
            admitAndRelease(limiter, TENANT);
        }

        assertThat(limiter.tryAcquire(TENANT).admitted()).isFalse();
        assertThat(admitAndRelease(limiter, OTHER_TENANT).admitted()).isTrue();
        assertThat(limiter.usage().get(TENANT).admitted()).isEqualTo(60);
        assertThat(limiter.usage().get(TENANT).rejectedTotal()).isEqualTo(1);
        assertThat(limiter.usage().get(OTHER_TENANT).rejectedTotal()).isZero();
    }

    @Test
    void nonPositiveTimeScaleIsRejected() {
        assertThatThrownBy(() -> new XeroRateLimiter(0, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid time scale 0.0");
    }

    private static XeroRateLimiter.Decision admitAndRelease(XeroRateLimiter limiter, String tenantId) {
        XeroRateLimiter.Decision decision = limiter.tryAcquire(tenantId);
        if (decision.admitted()) {
            limiter.release(tenantId);
        }
        return decision;
    }

    /** A clock that moves only when the test advances it. */
    private static final class SettableClock extends Clock {
        private Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
