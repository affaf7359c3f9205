package dev.handoff.ledger;

import java.time.Instant;

/**
 * One step in a handoff's history: what ran, with what outcome. {@code detail} contains ids and reasons only,
 * never personal data.
 */
public record TimelineEvent(Instant at, String step, String outcome, String detail) {
}
