package dev.handoff.ledger;

import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.HandoffChange.Attribute;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Builds the conditional UpdateItem that moves a handoff to its next version. The condition holds only while
 * the stored state and version equal {@code current}'s, so exactly one of several concurrent writers wins.
 * Every attribute name goes through a placeholder because {@code state} and others are DynamoDB reserved words.
 */
final class HandoffUpdate {

    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private final List<String> setClauses = new ArrayList<>();
    private final List<String> removeClauses = new ArrayList<>();

    private HandoffUpdate() {
    }

    static UpdateItemRequest request(String tableName, Handoff current, HandoffState next, HandoffChange change,
            Instant now) {
        HandoffUpdate update = new HandoffUpdate();

        String condition = update.name(HandoffItems.STATE) + " = " + update.value(AttributeValue.fromS(current.state().name()))
                + " AND " + update.name(HandoffItems.VERSION) + " = "
                + update.value(AttributeValue.fromN(Long.toString(current.version())));

        update.set(HandoffItems.STATE, AttributeValue.fromS(next.name()));
        update.set(HandoffItems.VERSION, AttributeValue.fromN(Long.toString(current.version() + 1)));
        update.set(HandoffItems.UPDATED_AT, AttributeValue.fromS(LedgerKeys.timestamp(now)));
        update.set(LedgerKeys.GSI1_PK, AttributeValue.fromS(LedgerKeys.statePartition(next)));
        update.set(LedgerKeys.GSI1_SK, AttributeValue.fromS(LedgerKeys.stateSortKey(now, current.key())));

        change.values().forEach((attribute, value) ->
                update.set(HandoffItems.name(attribute), HandoffItems.toValue(attribute, value)));
        for (Attribute attribute : change.cleared()) {
            update.removeClauses.add(update.name(HandoffItems.name(attribute)));
        }

        return UpdateItemRequest.builder()
                .tableName(tableName)
                .key(LedgerKeys.handoff(current.key()))
                .conditionExpression(condition)
                .updateExpression(update.expression())
                .expressionAttributeNames(update.names)
                .expressionAttributeValues(update.values)
                .returnValues(ReturnValue.ALL_NEW)
                .build();
    }

    private void set(String attributeName, AttributeValue value) {
        setClauses.add(name(attributeName) + " = " + value(value));
    }

    private String name(String attributeName) {
        String placeholder = "#n" + names.size();
        names.put(placeholder, attributeName);
        return placeholder;
    }

    private String value(AttributeValue value) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, value);
        return placeholder;
    }

    private String expression() {
        String expression = "SET " + String.join(", ", setClauses);
        if (!removeClauses.isEmpty()) {
            expression += " REMOVE " + String.join(", ", removeClauses);
        }
        return expression;
    }
}
