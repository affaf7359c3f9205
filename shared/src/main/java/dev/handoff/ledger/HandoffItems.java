package dev.handoff.ledger;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.HandoffChange.Attribute;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps a {@link Handoff} to its STATE item and back. Absent values are left out of the item. Amounts are
 * numbers (N), instants are fixed-width ISO-8601 strings, enums are stored by name and lists as lists of strings.
 */
final class HandoffItems {

    static final String HANDOFF_KEY = "handoffKey";
    static final String STATE = "state";
    static final String VERSION = "version";
    static final String UPDATED_AT = "updatedAt";

    private static final String FIRST_EVENT_ID = "firstEventId";
    private static final String CREATED_AT = "createdAt";

    private HandoffItems() {
    }

    static Map<String, AttributeValue> toItem(Handoff handoff) {
        Map<String, AttributeValue> item = new HashMap<>(LedgerKeys.handoff(handoff.key()));
        item.put(HANDOFF_KEY, AttributeValue.fromS(handoff.key().value()));
        item.put(STATE, AttributeValue.fromS(handoff.state().name()));
        item.put(VERSION, AttributeValue.fromN(Long.toString(handoff.version())));
        item.put(LedgerKeys.GSI1_PK, AttributeValue.fromS(LedgerKeys.statePartition(handoff.state())));
        item.put(LedgerKeys.GSI1_SK, AttributeValue.fromS(LedgerKeys.stateSortKey(handoff.updatedAt(), handoff.key())));
        putIfPresent(item, FIRST_EVENT_ID, handoff.firstEventId());
        putIfPresent(item, CREATED_AT, handoff.createdAt());
        putIfPresent(item, UPDATED_AT, handoff.updatedAt());

        Map<Attribute, Object> values = new HashMap<>();
        values.put(Attribute.TENANT_ID, handoff.tenantId());
        values.put(Attribute.CUSTOMER_ID, handoff.customerId());
        values.put(Attribute.INVOICE_IDEMPOTENCY_KEY, handoff.invoiceIdempotencyKey());
        values.put(Attribute.INVOICE_IN_FLIGHT_SINCE, handoff.invoiceInFlightSince());
        values.put(Attribute.INVOICE_ID, handoff.invoiceId());
        values.put(Attribute.INVOICE_NUMBER, handoff.invoiceNumber());
        values.put(Attribute.INVOICE_STATUS, handoff.invoiceStatus());
        values.put(Attribute.CURRENCY, handoff.currency());
        values.put(Attribute.INVOICE_TOTAL, handoff.invoiceTotal());
        values.put(Attribute.AMOUNT_DUE, handoff.amountDue());
        values.put(Attribute.AMOUNT_PAID, handoff.amountPaid());
        values.put(Attribute.AMOUNT_CREDITED, handoff.amountCredited());
        values.put(Attribute.PAYMENT_STATUS, handoff.paymentStatus());
        values.put(Attribute.CRM_SYNCED_STATUS, handoff.crmSyncedStatus());
        values.put(Attribute.BLOCKED_REASON, handoff.blockedReason());
        values.put(Attribute.BLOCKED_FIELDS, handoff.blockedFields().isEmpty() ? null : handoff.blockedFields());
        values.put(Attribute.RESUME_STATE, handoff.resumeState());
        values.forEach((attribute, value) -> {
            if (value != null) {
                item.put(name(attribute), toValue(attribute, value));
            }
        });
        return item;
    }

    static Handoff fromItem(Map<String, AttributeValue> item) {
        String currency = string(item, name(Attribute.CURRENCY));
        return new Handoff(
                HandoffKey.parse(string(item, HANDOFF_KEY)),
                HandoffState.valueOf(string(item, STATE)),
                Long.parseLong(item.get(VERSION).n()),
                string(item, name(Attribute.TENANT_ID)),
                string(item, FIRST_EVENT_ID),
                string(item, name(Attribute.CUSTOMER_ID)),
                string(item, name(Attribute.INVOICE_IDEMPOTENCY_KEY)),
                instant(item, name(Attribute.INVOICE_IN_FLIGHT_SINCE)),
                string(item, name(Attribute.INVOICE_ID)),
                string(item, name(Attribute.INVOICE_NUMBER)),
                string(item, name(Attribute.INVOICE_STATUS)),
                currency,
                amount(item, name(Attribute.INVOICE_TOTAL), currency),
                amount(item, name(Attribute.AMOUNT_DUE), currency),
                amount(item, name(Attribute.AMOUNT_PAID), currency),
                amount(item, name(Attribute.AMOUNT_CREDITED), currency),
                string(item, name(Attribute.PAYMENT_STATUS)),
                string(item, name(Attribute.CRM_SYNCED_STATUS)),
                string(item, name(Attribute.BLOCKED_REASON)),
                strings(item, name(Attribute.BLOCKED_FIELDS)),
                state(item, name(Attribute.RESUME_STATE)),
                instant(item, CREATED_AT),
                instant(item, UPDATED_AT));
    }

    /** Returns the item attribute that stores {@code attribute}. */
    static String name(Attribute attribute) {
        return switch (attribute) {
            case TENANT_ID -> "tenantId";
            case CUSTOMER_ID -> "customerId";
            case INVOICE_IDEMPOTENCY_KEY -> "invoiceIdempotencyKey";
            case INVOICE_IN_FLIGHT_SINCE -> "invoiceInFlightSince";
            case INVOICE_ID -> "invoiceId";
            case INVOICE_NUMBER -> "invoiceNumber";
            case INVOICE_STATUS -> "invoiceStatus";
            case CURRENCY -> "currency";
            case INVOICE_TOTAL -> "invoiceTotal";
            case AMOUNT_DUE -> "amountDue";
            case AMOUNT_PAID -> "amountPaid";
            case AMOUNT_CREDITED -> "amountCredited";
            case PAYMENT_STATUS -> "paymentStatus";
            case CRM_SYNCED_STATUS -> "crmSyncedStatus";
            case BLOCKED_REASON -> "blockedReason";
            case BLOCKED_FIELDS -> "blockedFields";
            case RESUME_STATE -> "resumeState";
        };
    }

    /**
     * Converts a value that {@link HandoffChange} has already type-checked. Blank strings and list elements
     * that are not non-blank strings are rejected, because the ledger reads a missing value as absent.
     */
    static AttributeValue toValue(Attribute attribute, Object value) {
        if (value instanceof String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException(attribute + " must not be blank. Use clear() to remove it");
            }
            return AttributeValue.fromS(text);
        }
        if (value instanceof Instant instant) {
            return AttributeValue.fromS(LedgerKeys.timestamp(instant));
        }
        if (value instanceof BigDecimal amount) {
            return AttributeValue.fromN(amount.toPlainString());
        }
        if (value instanceof HandoffState state) {
            return AttributeValue.fromS(state.name());
        }
        if (value instanceof List<?> list) {
            return AttributeValue.fromL(list.stream().map(element -> listElement(attribute, element)).toList());
        }
        throw new IllegalArgumentException(attribute + " has an unsupported type " + value.getClass().getSimpleName());
    }

    private static AttributeValue listElement(Attribute attribute, Object element) {
        if (!(element instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException(attribute + " takes a list of non-blank strings");
        }
        return AttributeValue.fromS(text);
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, Instant value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(LedgerKeys.timestamp(value)));
        }
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = string(item, name);
        return value == null ? null : Instant.parse(value);
    }

    private static HandoffState state(Map<String, AttributeValue> item, String name) {
        String value = string(item, name);
        return value == null ? null : HandoffState.valueOf(value);
    }

    private static List<String> strings(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? List.of() : value.l().stream().map(AttributeValue::s).toList();
    }

    /**
     * Reads an amount at no less than the currency's minor-unit scale. DynamoDB trims trailing zeros from
     * numbers, so 11500.00 comes back as 11500. Padding the zeros back never rounds.
     */
    private static BigDecimal amount(Map<String, AttributeValue> item, String name, String currencyCode) {
        AttributeValue value = item.get(name);
        if (value == null) {
            return null;
        }
        BigDecimal amount = new BigDecimal(value.n());
        int scale = minorUnitScale(currencyCode);
        return amount.scale() < scale ? amount.setScale(scale) : amount;
    }

    private static int minorUnitScale(String currencyCode) {
        if (currencyCode == null) {
            return 0;
        }
        try {
            return Math.max(0, Currency.getInstance(currencyCode).getDefaultFractionDigits());
        } catch (IllegalArgumentException unknownCode) {
            return 0;
        }
    }
}
