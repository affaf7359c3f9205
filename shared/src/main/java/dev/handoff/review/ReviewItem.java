package dev.handoff.review;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A decision Handoff leaves to a person, stored in the ledger beside its handoff. {@code reason} names the rule
 * and the figures that tripped it. {@code facts} are what the reviewer needs (names, numbers, ids) and may contain
 * personal data, so {@link #toString()} leaves them out and they are never logged. The id is
 * {@code <handoff key>/<n>}, where {@code n} is the handoff's version when it was held, for example
 * {@code hubspot:9999999:48000000001/4}.
 */
public record ReviewItem(
        String id,
        HandoffKey handoffKey,
        ReviewType type,
        ReviewStatus status,
        String reason,
        List<String> fields,
        Map<String, String> facts,
        HandoffState resumeState,
        Instant createdAt,
        String decidedBy,
        Instant decidedAt,
        String decisionReason) {

    public ReviewItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(handoffKey, "handoffKey");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdAt, "createdAt");
        fields = fields == null ? List.of() : List.copyOf(fields);
        facts = facts == null ? Map.of() : Map.copyOf(facts);
    }

    /** Returns a new pending item for a handoff held at {@code handoffVersion}. */
    public static ReviewItem pending(HandoffKey key, long handoffVersion, ReviewType type, String reason,
            List<String> fields, Map<String, String> facts, HandoffState resumeState, Instant now) {
        return new ReviewItem(id(key, handoffVersion), key, type, ReviewStatus.PENDING, reason, fields, facts,
                resumeState, now, null, null, null);
    }

    /** Returns the review id {@code <handoff key>/<handoffVersion>}. */
    public static String id(HandoffKey key, long handoffVersion) {
        return key.value() + "/" + handoffVersion;
    }

    /**
     * Returns the handoff key inside a review id.
     *
     * @throws IllegalArgumentException if the id is not {@code <handoff key>/<n>}
     */
    public static HandoffKey handoffKeyOf(String id) {
        int slash = id == null ? -1 : id.lastIndexOf('/');
        if (slash <= 0 || slash == id.length() - 1 || !id.substring(slash + 1).chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("Review id '" + id + "' is invalid; use the form <crm>:<account>:<deal>/<n>"
                    + " that ./handoff reviews list prints");
        }
        return HandoffKey.parse(id.substring(0, slash));
    }

    public boolean isPending() {
        return status == ReviewStatus.PENDING;
    }

    public Duration age(Instant now) {
        return Duration.between(createdAt, now);
    }

    @Override
    public String toString() {
        return "ReviewItem[id=" + id + ", type=" + type + ", status=" + status + "]";
    }
}
