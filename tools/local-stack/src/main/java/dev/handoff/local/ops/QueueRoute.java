package dev.handoff.local.ops;

import dev.handoff.local.engines.QueueDefinition;
import dev.handoff.local.engines.SamTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A queue that a Handoff function consumes and the dead-letter queue its redrive policy names.
 *
 * @param name the template's logical id of the source queue, for example {@code DealWonQueue}
 */
public record QueueRoute(String name, String url, String arn, String deadLetterUrl, String deadLetterArn) {

    /**
     * Returns a route for every queue of the template that a function consumes and whose redrive policy names a
     * dead-letter queue.
     *
     * @param urlOf the queue URL for a logical id
     * @param arnOf the queue ARN for a logical id
     */
    static List<QueueRoute> fromTemplate(SamTemplate template, UnaryOperator<String> urlOf, UnaryOperator<String> arnOf) {
        List<String> consumed = template.functions().stream()
                .flatMap(function -> function.sqsEvents().stream())
                .map(source -> source.queueLogicalId())
                .toList();
        List<QueueRoute> routes = new ArrayList<>();
        for (QueueDefinition queue : template.queues()) {
            if (queue.redrive().isEmpty() || !consumed.contains(queue.logicalId())) {
                continue;
            }
            String deadLetter = queue.redrive().get().deadLetterQueueLogicalId();
            routes.add(new QueueRoute(queue.logicalId(), urlOf.apply(queue.logicalId()), arnOf.apply(queue.logicalId()),
                    urlOf.apply(deadLetter), arnOf.apply(deadLetter)));
        }
        return routes;
    }
}
