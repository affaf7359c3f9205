package dev.handoff.ledger;

import java.time.Duration;
import java.util.Objects;

/** Guard clauses for the ledger's public methods, one message per failure. */
final class Arguments {

    private Arguments() {
    }

    static <T> T requirePresent(T value, String name) {
        return Objects.requireNonNull(value, () -> name + " is required");
    }

    static String requireText(String value, String name) {
        requirePresent(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    /** Requires text without {@code separator}, because the value is one part of a composite key. */
    static String requireKeyPart(String value, String name, char separator) {
        requireText(value, name);
        if (value.indexOf(separator) >= 0) {
            throw new IllegalArgumentException(name + " must not contain '" + separator + "': it separates key parts");
        }
        return value;
    }

    static Duration requirePositive(Duration value, String name) {
        requirePresent(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }
}
