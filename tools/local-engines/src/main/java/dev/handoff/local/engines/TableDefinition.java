package dev.handoff.local.engines;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code AWS::DynamoDB::Table} from the template.
 *
 * @param logicalId the resource's logical id, for example {@code LedgerTable}
 * @param name {@code TableName} when declared, else {@code <stack name>-<logical id>}
 * @param keySchema the table's key schema, hash key first
 * @param attributeDefinitions attribute name to type ({@code S}, {@code N} or {@code B}), in template order
 * @param globalSecondaryIndexes the declared global secondary indexes
 * @param timeToLiveAttribute {@code TimeToLiveSpecification.AttributeName} when TTL is enabled
 * @param billingMode {@code BillingMode}, {@code PROVISIONED} when not declared
 */
public record TableDefinition(
        String logicalId,
        String name,
        List<KeyElement> keySchema,
        Map<String, String> attributeDefinitions,
        List<GlobalSecondaryIndex> globalSecondaryIndexes,
        Optional<String> timeToLiveAttribute,
        String billingMode) {

    /**
     * One element of a key schema.
     *
     * @param attributeName the key attribute
     * @param keyType {@code HASH} or {@code RANGE}
     */
    public record KeyElement(String attributeName, String keyType) {
    }

    /**
     * A global secondary index.
     *
     * @param indexName the index name
     * @param keySchema the index key schema
     * @param projectionType {@code ALL}, {@code KEYS_ONLY} or {@code INCLUDE}
     * @param nonKeyAttributes the projected attributes for {@code INCLUDE}
     */
    public record GlobalSecondaryIndex(
            String indexName, List<KeyElement> keySchema, String projectionType, List<String> nonKeyAttributes) {
    }
}
