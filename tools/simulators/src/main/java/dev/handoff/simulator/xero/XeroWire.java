package dev.handoff.simulator.xero;

import java.time.Instant;

/** Wire formats shared by the simulator's handlers. */
final class XeroWire {

    private XeroWire() {
    }

    /** Formats an instant as Xero's JSON date, for example {@code /Date(1772323200000+0000)/}. */
    static String jsonDate(Instant instant) {
        return "/Date(" + instant.toEpochMilli() + "+0000)/";
    }
}
