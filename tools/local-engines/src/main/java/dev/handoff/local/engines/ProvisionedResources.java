package dev.handoff.local.engines;

import java.util.Map;
import java.util.Optional;

/**
 * The queues and tables that {@link LocalResources} created for one stack, keyed by logical id. As a
 * {@link ResourceResolver} it resolves {@code !Ref Queue} to the queue URL and {@code !GetAtt Queue.Arn} or
 * {@code .QueueName} to the ARN or name.
 *
 * @param stackName the stack name in every resource name
 * @param queueUrls queue URL by logical id
 * @param queueArns queue ARN by logical id
 * @param queueNames queue name by logical id
 * @param tableNames table name by logical id
 */
public record ProvisionedResources(
        String stackName,
        Map<String, String> queueUrls,
        Map<String, String> queueArns,
        Map<String, String> queueNames,
        Map<String, String> tableNames) implements ResourceResolver {

    public ProvisionedResources {
        queueUrls = Map.copyOf(queueUrls);
        queueArns = Map.copyOf(queueArns);
        queueNames = Map.copyOf(queueNames);
        tableNames = Map.copyOf(tableNames);
    }

    /**
     * Returns the URL of queue {@code logicalId}.
     *
     * @throws IllegalArgumentException if no such queue was created
     */
    public String queueUrl(String logicalId) {
        String url = queueUrls.get(logicalId);
        if (url == null) {
            throw new IllegalArgumentException("Queue not found: " + logicalId + "; created: " + queueUrls.keySet());
        }
        return url;
    }

    /**
     * Returns the name of table {@code logicalId}.
     *
     * @throws IllegalArgumentException if no such table was created
     */
    public String tableName(String logicalId) {
        String name = tableNames.get(logicalId);
        if (name == null) {
            throw new IllegalArgumentException("Table not found: " + logicalId + "; created: " + tableNames.keySet());
        }
        return name;
    }

    @Override
    public Optional<String> ref(String logicalId) {
        if (queueUrls.containsKey(logicalId)) {
            return Optional.of(queueUrls.get(logicalId));
        }
        return Optional.ofNullable(tableNames.get(logicalId));
    }

    @Override
    public Optional<String> attribute(String logicalId, String attribute) {
        return switch (attribute) {
            case "Arn" -> Optional.ofNullable(queueArns.get(logicalId));
            case "QueueName" -> Optional.ofNullable(queueNames.get(logicalId));
            case "QueueUrl" -> Optional.ofNullable(queueUrls.get(logicalId));
            default -> Optional.empty();
        };
    }
}
