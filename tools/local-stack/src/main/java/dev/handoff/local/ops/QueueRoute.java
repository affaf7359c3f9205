package dev.handoff.local.ops;

/**
 * A queue that a Handoff function consumes and the dead-letter queue its redrive policy names.
 *
 * @param name the template's logical id of the source queue, for example {@code DealWonQueue}
 */
public record QueueRoute(String name, String url, String arn, String deadLetterUrl, String deadLetterArn) {
}
