package dev.handoff.ledger;

import dev.handoff.domain.HandoffState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The attributes one ledger write sets on a handoff, beside its state and version. Attributes not named here
 * keep their stored values; {@link #clear(Attribute)} removes one.
 */
public final class HandoffChange {

    /** Handoff attributes that a change can set or clear. */
    public enum Attribute {
        TENANT_ID, CUSTOMER_ID, INVOICE_IDEMPOTENCY_KEY, INVOICE_IN_FLIGHT_SINCE, INVOICE_ID, INVOICE_NUMBER,
        INVOICE_STATUS, CURRENCY, INVOICE_TOTAL, AMOUNT_DUE, AMOUNT_PAID, AMOUNT_CREDITED, PAYMENT_STATUS,
        CRM_SYNCED_STATUS, BLOCKED_REASON, BLOCKED_FIELDS, RESUME_STATE
    }

    private final Map<Attribute, Object> values = new LinkedHashMap<>();
    private final List<Attribute> cleared = new ArrayList<>();

    public static HandoffChange none() {
        return new HandoffChange();
    }

    public HandoffChange set(Attribute attribute, Object value) {
        Objects.requireNonNull(value, () -> "value of " + attribute + "; use clear() to remove it");
        requireType(attribute, value);
        values.put(attribute, value);
        cleared.remove(attribute);
        return this;
    }

    public HandoffChange clear(Attribute attribute) {
        values.remove(attribute);
        if (!cleared.contains(attribute)) {
            cleared.add(attribute);
        }
        return this;
    }

    public Map<Attribute, Object> values() {
        return Map.copyOf(values);
    }

    public List<Attribute> cleared() {
        return List.copyOf(cleared);
    }

    private static void requireType(Attribute attribute, Object value) {
        Class<?> expected = switch (attribute) {
            case INVOICE_IN_FLIGHT_SINCE -> Instant.class;
            case INVOICE_TOTAL, AMOUNT_DUE, AMOUNT_PAID, AMOUNT_CREDITED -> BigDecimal.class;
            case BLOCKED_FIELDS -> List.class;
            case RESUME_STATE -> HandoffState.class;
            default -> String.class;
        };
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException(attribute + " takes a " + expected.getSimpleName()
                    + ", not a " + value.getClass().getSimpleName());
        }
    }
}
