package dev.handoff.local.ops;

import dev.handoff.local.engines.QueueDefinition;
import dev.handoff.local.engines.SamTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A queue of the template and the dead-letter queue its redrive policy names.
 *
 * @param name the template's logical id of the source queue, for example {@code DealWonQueue}
 * @param fifo whether both queues are FIFO queues, such as {@code OnboardingQueue}
 * @param consumedByHandoff whether a Handoff function consumes the queue. The business's own tooling consumes
 *     the onboarding queue, so the ledger contains no failure reason for its dead letters.
 */
public record QueueRoute(String name, String url, String arn, String deadLetterUrl, String deadLetterArn, boolean fifo,
        boolean consumedByHandoff) {

    /**
     * Returns a route for every queue of the template whose redrive policy names a dead-letter queue: the queues
     * Handoff's functions consume, then the queues that other systems consume, such as the onboarding queue.
     *
     * @param urlOf the queue URL for a logical id
     * @param arnOf the queue ARN for a logical id
     */
    static List<QueueRoute> fromTemplate(SamTemplate template, UnaryOperator<String> urlOf, UnaryOperator<String> arnOf) {
        List<String> consumed = template.functions().stream()
                .flatMap(function -> function.sqsEvents().stream())
                .map(source -> source.queueLogicalId())
                .toList();
        List<QueueDefinition> withRedrive = template.queues().stream().filter(queue -> queue.redrive().isPresent()).toList();
        List<QueueDefinition> ordered = new ArrayList<>();
        withRedrive.stream().filter(queue -> consumed.contains(queue.logicalId())).forEach(ordered::add);
        withRedrive.stream().filter(queue -> !consumed.contains(queue.logicalId())).forEach(ordered::add);
        List<QueueRoute> routes = new ArrayList<>();
        for (QueueDefinition queue : ordered) {
            String deadLetter = queue.redrive().get().deadLetterQueueLogicalId();
            routes.add(new QueueRoute(queue.logicalId(), urlOf.apply(queue.logicalId()), arnOf.apply(queue.logicalId()),
                    urlOf.apply(deadLetter), arnOf.apply(deadLetter), queue.fifo(),
                    consumed.contains(queue.logicalId())));
        }
        return routes;
    }
}
