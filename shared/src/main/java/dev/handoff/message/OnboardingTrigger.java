package dev.handoff.message;

/**
 * The onboarding trigger sent to the onboarding FIFO queue once finance conditions are met. Carries ids and
 * statuses only; the consumer reads anything else from the CRM. {@code triggerId} is also the queue's
 * deduplication id, and consumers should ignore a trigger whose id they have handled: SQS deduplicates only
 * within five minutes.
 */
public record OnboardingTrigger(
        String triggerId,
        String handoffKey,
        String crm,
        String accountId,
        String dealId,
        String tenantId,
        String invoiceId,
        String invoiceNumber,
        String paymentStatus,
        String condition,
        String triggeredAt) {
}
