package dev.handoff.ledger;

import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Primary keys, index keys and the timestamp format of the ledger table's items. */
final class LedgerKeys {

    static final String PK = "pk";
    static final String SK = "sk";
    static final String GSI1 = "gsi1";
    static final String GSI1_PK = "gsi1pk";
    static final String GSI1_SK = "gsi1sk";

    static final String DELIVERY_SK = "DELIVERY";
    static final String HANDOFF_SK = "STATE";
    static final String EVENT_SK_PREFIX = "EVENT#";
    static final String INVOICE_SK = "INVOICE";

    /**
     * ISO-8601 in UTC with exactly nine fraction digits. {@link Instant#toString()} drops trailing zero
     * fractions, so its strings do not sort in time order, and sort keys need this fixed width.
     */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private LedgerKeys() {
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    static Map<String, AttributeValue> delivery(String source, String eventKey) {
        return key("DELIVERY#" + source + "#" + eventKey, DELIVERY_SK);
    }

    static String handoffPk(HandoffKey key) {
        return "HANDOFF#" + key.value();
    }

    static Map<String, AttributeValue> handoff(HandoffKey key) {
        return key(handoffPk(key), HANDOFF_SK);
    }

    static String eventSk(Instant at, String suffix) {
        return EVENT_SK_PREFIX + timestamp(at) + "#" + suffix;
    }

    static String statePartition(HandoffState state) {
        return "STATE#" + state.name();
    }

    /** Sorts by last update. The handoff key only breaks ties between handoffs updated at the same instant. */
    static String stateSortKey(Instant updatedAt, HandoffKey key) {
        return timestamp(updatedAt) + "#" + key.value();
    }

    static Map<String, AttributeValue> customerLink(String crm, String accountId, String companyId, String tenantId) {
        return key("LINK#" + crm + ":" + accountId + ":company:" + companyId, "TENANT#" + tenantId);
    }

    static Map<String, AttributeValue> invoice(String tenantId, String invoiceId) {
        return key("INVOICE#" + tenantId + ":" + invoiceId, INVOICE_SK);
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk));
    }
}
