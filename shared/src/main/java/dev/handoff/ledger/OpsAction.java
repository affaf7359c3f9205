package dev.handoff.ledger;

import java.time.Instant;

/** One operator action run through {@code ./handoff ops}: what ran, on what, with what outcome and by whom. */
public record OpsAction(Instant at, String action, String target, String outcome, String actor) {
}
