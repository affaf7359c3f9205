package dev.handoff.ledger;

import java.time.Instant;

/** One operator action run through {@code ./handoff ops}: the action, its target, its outcome and the operator. */
public record OpsAction(Instant at, String action, String target, String outcome, String actor) {
}
