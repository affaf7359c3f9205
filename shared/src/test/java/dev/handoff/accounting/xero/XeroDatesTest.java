package dev.handoff.accounting.xero;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class XeroDatesTest {

    @Test
    void microsoftJsonDateIsEpochMillis() {
        assertThat(XeroDates.parse("/Date(1772323200000+0000)/")).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(XeroDates.parse("/Date(1772364910000)/")).isEqualTo(Instant.parse("2026-03-01T11:35:10Z"));
    }

    @Test
    void isoDateWithoutOffsetIsUtc() {
        assertThat(XeroDates.parse("2026-02-27T21:55:10.123")).isEqualTo(Instant.parse("2026-02-27T21:55:10.123Z"));
    }

    @Test
    void isoDateWithOffsetKeepsInstant() {
        assertThat(XeroDates.parse("2026-03-01T00:30:00+02:00")).isEqualTo(Instant.parse("2026-02-28T22:30:00Z"));
    }

    @Test
    void blankIsNull() {
        assertThat(XeroDates.parse(" ")).isNull();
        assertThat(XeroDates.parse(null)).isNull();
    }

    @Test
    void unknownFormIsRejected() {
        assertThatThrownBy(() -> XeroDates.parse("01/03/2026"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid Xero date");
    }
}
