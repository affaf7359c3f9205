package dev.handoff.local.engines;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * An {@code AWS::SQS::Queue} from the template.
 *
 * @param logicalId the resource's logical id, for example {@code DealWonQueue}
 * @param name the queue name with {@code ${AWS::StackName}} replaced
 * @param fifo whether {@code FifoQueue} is true
 * @param contentBasedDeduplication whether {@code ContentBasedDeduplication} is true
 * @param visibilityTimeoutSeconds {@code VisibilityTimeout}, when declared
 * @param messageRetentionPeriodSeconds {@code MessageRetentionPeriod}, when declared
 * @param redrive the {@code RedrivePolicy}, when declared
 */
public record QueueDefinition(
        String logicalId,
        String name,
        boolean fifo,
        boolean contentBasedDeduplication,
        OptionalInt visibilityTimeoutSeconds,
        OptionalInt messageRetentionPeriodSeconds,
        Optional<Redrive> redrive) {

    /**
     * A redrive policy.
     *
     * @param deadLetterQueueLogicalId logical id of the queue named by {@code deadLetterTargetArn}
     * @param maxReceiveCount receives after which SQS moves a message to the dead-letter queue
     */
    public record Redrive(String deadLetterQueueLogicalId, int maxReceiveCount) {
    }
}
