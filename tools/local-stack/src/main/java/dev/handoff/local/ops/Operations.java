package dev.handoff.local.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.accounting.AccountingClient;
import dev.handoff.accounting.AccountingInvoice;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.error.HandoffException;
import dev.handoff.lambda.FailureHandling;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.HandoffChange;
import dev.handoff.ledger.Ledger;
import dev.handoff.ledger.MessageFailure;
import dev.handoff.ledger.OperationsLog;
import dev.handoff.ledger.OpsAction;
import dev.handoff.ledger.TenantPark;
import dev.handoff.ledger.TimelineEvent;
import dev.handoff.message.DealWonMessage;
import dev.handoff.message.InvoiceRequestMessage;
import dev.handoff.message.Json;
import dev.handoff.message.PaymentEventMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The operator's view of a Handoff stack: timelines, exceptions, dead-letter queues, redrive, replay and the
 * invariant check. It talks to SQS and the ledger only (and to the accounting system for the check), so the
 * same code serves the local stack and a deployed one. Every action that changes something is recorded in the
 * ledger with the operator's name.
 */
public final class Operations {

    /** Handoff states from which work continues without a person: a handoff here must have a message queued. */
    private static final Set<HandoffState> IN_PROGRESS = EnumSet.of(HandoffState.RECEIVED, HandoffState.CUSTOMER_READY,
            HandoffState.INVOICE_IN_FLIGHT, HandoffState.PAID, HandoffState.ONBOARDING_PENDING);
    private static final Duration MOVE_TASK_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final Ledger ledger;
    private final OperationsLog operations;
    private final List<QueueRoute> routes;
    private final String tenantId;
    private final Optional<AccountingClient> accounting;
    private final String actor;
    private final Clock clock;

    public Operations(SqsClient sqs, Ledger ledger, List<QueueRoute> routes, String tenantId,
            Optional<AccountingClient> accounting, String actor, Clock clock) {
        this.sqs = sqs;
        this.ledger = ledger;
        this.operations = new OperationsLog(ledger);
        this.routes = List.copyOf(routes);
        this.tenantId = tenantId;
        this.accounting = accounting;
        this.actor = actor;
        this.clock = clock;
    }

    public List<QueueRoute> routes() {
        return routes;
    }

    public Optional<Handoff> handoff(HandoffKey key) {
        return ledger.find(key);
    }

    public List<TimelineEvent> timeline(HandoffKey key) {
        return ledger.timeline(key);
    }

    /** Returns the handoffs a person must look at: BLOCKED and FAILED, newest first. */
    public List<Handoff> exceptions() {
        List<Handoff> exceptions = new ArrayList<>(ledger.listByState(HandoffState.BLOCKED));
        exceptions.addAll(ledger.listByState(HandoffState.FAILED));
        return exceptions;
    }

    public List<TenantPark> parks() {
        return operations.listParks();
    }

    public List<OpsAction> opsActions() {
        return operations.listOpsActions();
    }

    /** Returns the number of messages (visible, in flight and delayed) in each dead-letter queue, by source queue. */
    public Map<String, Integer> deadLetterDepths() {
        Map<String, Integer> depths = new LinkedHashMap<>();
        routes.forEach(route -> depths.put(route.name(), depth(route.deadLetterUrl())));
        return depths;
    }

    /** Returns the number of messages (visible, in flight and delayed) in each source queue. */
    public Map<String, Integer> queueDepths() {
        Map<String, Integer> depths = new LinkedHashMap<>();
        routes.forEach(route -> depths.put(route.name(), depth(route.url())));
        return depths;
    }

    /**
     * Lists the messages of every dead-letter queue with the ledger's reason. The messages are received with a
     * visibility timeout of 0, so they stay available. Each read adds one to their receive count, which does no
     * harm in a dead-letter queue without its own redrive policy.
     */
    public List<DeadLetterMessage> deadLetters() {
        List<DeadLetterMessage> messages = new ArrayList<>();
        for (QueueRoute route : routes) {
            for (Message message : peek(route.deadLetterUrl())) {
                messages.add(new DeadLetterMessage(route.name(), message.messageId(), handoffKeyOf(message.body()).orElse(null),
                        operations.findMessageFailure(message.messageId())));
            }
        }
        return messages;
    }

    /**
     * Moves every message of the dead-letter queues (or of the one behind {@code queue}) back to its source queue
     * with SQS StartMessageMoveTask, waits for each task to finish, and returns the messages moved per queue. A
     * FIFO route is moved message by message instead; see {@link #moveFifoDeadLetters}.
     */
    public Map<String, Integer> redrive(Optional<String> queue) {
        Map<String, Integer> moved = new LinkedHashMap<>();
        for (QueueRoute route : selected(queue)) {
            int depth = depth(route.deadLetterUrl());
            if (depth == 0) {
                moved.put(route.name(), 0);
                continue;
            }
            if (route.fifo()) {
                moved.put(route.name(), moveFifoDeadLetters(route));
                continue;
            }
            String handle = sqs.startMessageMoveTask(request -> request.sourceArn(route.deadLetterArn())
                    .destinationArn(route.arn())).taskHandle();
            moved.put(route.name(), awaitMoveTask(route, handle));
        }
        record("dlq redrive", queue.orElse("all queues"), "moved " + moved);
        return moved;
    }

    /**
     * Moves only the messages that belong to {@code key} from the dead-letter queues back to their source
     * queues, and returns how many it moved. Other messages become visible again at once.
     */
    public int redriveDeal(HandoffKey key) {
        int moved = 0;
        Optional<Handoff> handoff = ledger.find(key);
        for (QueueRoute route : routes) {
            Set<String> seen = new java.util.HashSet<>();
            List<Message> others = new ArrayList<>();
            while (true) {
                List<Message> batch = sqs.receiveMessage(request -> request.queueUrl(route.deadLetterUrl())
                        .maxNumberOfMessages(10).waitTimeSeconds(0).visibilityTimeout(30)
                        .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                        .messages();
                List<Message> fresh = batch.stream().filter(message -> seen.add(message.messageId())).toList();
                if (fresh.isEmpty()) {
                    others.addAll(batch);
                    break;
                }
                for (Message message : fresh) {
                    if (belongsTo(message.body(), key, handoff)) {
                        moveToSource(route, message);
                        moved++;
                    } else {
                        others.add(message);
                    }
                }
            }
            // Release the messages of other deals only after the whole queue was read, so none is read twice.
            release(route.deadLetterUrl(), others);
        }
        record("dlq redrive --deal", key.value(), "moved " + moved);
        appendEvent(key, "dlq redrive", "moved " + moved);
        return moved;
    }

    /**
     * Sends the message that continues the handoff from its ledger state, and returns the queue it went to. A
     * FAILED handoff first moves back to the state it failed at. A BLOCKED handoff gets a deal-won message, as
     * when the deal is won again after a fix.
     *
     * @throws IllegalArgumentException if the handoff does not exist or needs no work
     */
    public String replay(HandoffKey key) {
        Handoff handoff = ledger.find(key).orElseThrow(() -> new IllegalArgumentException(
                "No handoff " + key + " in the ledger; check the deal id and the portal id"));
        if (handoff.state() == HandoffState.FAILED && handoff.resumeState() != null) {
            handoff = ledger.transition(handoff, handoff.resumeState(), HandoffChange.none()
                    .clear(HandoffChange.Attribute.BLOCKED_REASON).clear(HandoffChange.Attribute.BLOCKED_FIELDS)
                    .clear(HandoffChange.Attribute.RESUME_STATE), now());
        }
        String queue = switch (handoff.state()) {
            case RECEIVED, BLOCKED, FAILED -> send("DealWonQueue",
                    new DealWonMessage(key.value(), "replay:" + now().toEpochMilli(), now().toEpochMilli()));
            case CUSTOMER_READY, INVOICE_IN_FLIGHT -> send("InvoiceRequestQueue", new InvoiceRequestMessage(key.value()));
            case INVOICED, PARTIALLY_PAID, PAID, ONBOARDING_PENDING -> send("PaymentEventQueue",
                    new PaymentEventMessage(handoff.tenantId(), handoff.invoiceId(), now().toString()));
            case ONBOARDING_SENT, VOIDED, REJECTED -> throw new IllegalArgumentException("Handoff " + key + " is "
                    + handoff.state() + " and needs no work; nothing was sent");
            case IN_REVIEW -> throw new IllegalArgumentException("Handoff " + key + " waits for a review decision;"
                    + " decide it with ./handoff reviews approve or reject. Nothing was sent");
        };
        record("replay", key.value(), "sent to " + queue + " from " + handoff.state());
        appendEvent(key, "replay", "sent to " + queue + " from " + handoff.state());
        return queue;
    }

    /** Removes the park of a scope so its messages are handled again, and returns whether it was parked. */
    public boolean unpark(String scope) {
        boolean removed = operations.unpark(scope);
        record("unpark", scope, removed ? "unparked" : "was not parked");
        return removed;
    }

    /**
     * Checks the invariants and returns the violations, empty when all are met. Every accepted delivery has a
     * handoff that is terminal, waiting for payment, a visible exception, or has a message queued or dead-lettered.
     * Every dead-lettered message has its reason in the ledger, and the onboarding dead-letter queue, whose
     * consumer records no reasons, is empty. No deal has two invoices in the accounting system, and the ledger's
     * invoice links match it.
     */
    public List<String> check() {
        List<String> violations = new ArrayList<>();
        // Onboarding triggers wait for the business's tooling, so they do not show that a handoff's work is queued.
        int queued = routes.stream().filter(QueueRoute::consumedByHandoff).mapToInt(route -> depth(route.url())).sum();
        List<DeadLetterMessage> deadLetters = deadLetters();

        for (Map.Entry<String, Boolean> delivery : operations.scanDeliveries()) {
            if (!delivery.getValue()) {
                continue;
            }
            HandoffKey key = HandoffKey.parse(delivery.getKey());
            Optional<Handoff> handoff = ledger.find(key);
            boolean deadLettered = deadLetters.stream().anyMatch(message -> key.value().equals(message.handoffKey()));
            if (handoff.isEmpty()) {
                if (!deadLettered && queued == 0) {
                    violations.add("Delivery for " + key + " was accepted but no handoff exists and no message is queued");
                }
                continue;
            }
            if (IN_PROGRESS.contains(handoff.get().state()) && queued == 0 && !deadLettered) {
                violations.add("Handoff " + key + " is " + handoff.get().state()
                        + " with no message queued or dead-lettered; run ./handoff ops replay " + key.dealId());
            }
        }
        for (DeadLetterMessage message : deadLetters) {
            if (hasOtherConsumer(message)) {
                violations.add("Message " + message.messageId() + " is in the dead-letter queue of " + message.queue()
                        + ": its consumer, which is not a Handoff function, failed on it; fix that consumer, then run"
                        + " ./handoff ops dlq redrive --queue " + message.queue());
            } else if (message.failure().isEmpty()) {
                violations.add("Message " + message.messageId() + " in the dead-letter queue of " + message.queue()
                        + " has no reason in the ledger");
            }
        }
        accounting.ifPresent(client -> {
            try {
                checkInvoices(client, violations);
            } catch (HandoffException e) {
                violations.add("Invoices could not be checked against the accounting system: " + e.getMessage());
            }
        });
        record("check", "all handoffs", violations.isEmpty() ? "passed" : violations.size() + " violations");
        return violations;
    }

    private void checkInvoices(AccountingClient client, List<String> violations) {
        List<Handoff> all = new ArrayList<>();
        for (HandoffState state : HandoffState.values()) {
            all.addAll(ledger.listByState(state));
        }
        for (Handoff handoff : all) {
            String reference = "HS-" + handoff.key().dealId();
            List<AccountingInvoice> invoices = client.findInvoicesByReference(reference).stream()
                    .filter(invoice -> !"VOIDED".equals(invoice.status()) && !"DELETED".equals(invoice.status()))
                    .toList();
            if (invoices.size() > 1) {
                violations.add("Deal " + handoff.key().dealId() + " has " + invoices.size() + " invoices with reference " + reference);
            }
            if (handoff.invoiceId() != null) {
                boolean linked = invoices.stream().anyMatch(invoice -> invoice.invoiceId().equals(handoff.invoiceId()));
                if (!linked && handoff.state() != HandoffState.VOIDED) {
                    violations.add("Handoff " + handoff.key() + " links invoice " + handoff.invoiceId()
                            + ", which the accounting system does not list under reference " + reference);
                }
                Optional<HandoffKey> indexed = ledger.findHandoffByInvoice(handoff.tenantId(), handoff.invoiceId());
                if (indexed.isEmpty() || !indexed.get().equals(handoff.key())) {
                    violations.add("Invoice " + handoff.invoiceId() + " is not indexed to handoff " + handoff.key());
                }
            } else if (!invoices.isEmpty() && !IN_PROGRESS.contains(handoff.state()) && !handoff.state().isException()) {
                violations.add("Deal " + handoff.key().dealId() + " has an invoice in the accounting system that the ledger does not link");
            }
        }
    }

    /**
     * Moves the dead letters of a FIFO route back by receiving, sending and deleting each one, and returns how
     * many it moved. Each message keeps its message group, and the groups are read oldest first, so the order
     * within a group is kept. The deduplication id is the dead letter's message id, so a move repeated after a
     * failure within SQS's five-minute deduplication window cannot queue the message twice. The original
     * deduplication id, if sent again within that window, could make SQS drop the redriven message.
     *
     * <p>NOTE: SQS StartMessageMoveTask also redrives FIFO queues in AWS, but ElasticMQ 1.7.1 (the local
     * engine) is not known to, so this one path serves both.
     */
    private int moveFifoDeadLetters(QueueRoute route) {
        int moved = 0;
        while (true) {
            List<Message> batch = sqs.receiveMessage(request -> request.queueUrl(route.deadLetterUrl())
                    .maxNumberOfMessages(10).waitTimeSeconds(0).visibilityTimeout(30).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            if (batch.isEmpty()) {
                return moved;
            }
            for (Message message : batch) {
                moveToSource(route, message);
                moved++;
            }
        }
    }

    /**
     * Sends a dead letter back to its source queue, then deletes it from the dead-letter queue. Its message
     * attributes go with it except the attempt number, so the redriven message gets a full set of attempts.
     */
    private void moveToSource(QueueRoute route, Message message) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(message.messageAttributes());
        attributes.remove(FailureHandling.ATTEMPT_ATTRIBUTE);
        SendMessageRequest.Builder send = SendMessageRequest.builder().queueUrl(route.url()).messageBody(message.body())
                .messageAttributes(attributes);
        if (route.fifo()) {
            String group = message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            if (group == null) {
                throw new IllegalStateException("Message " + message.messageId() + " in " + route.deadLetterUrl()
                        + " has no MessageGroupId; it was left in the dead-letter queue");
            }
            send.messageGroupId(group).messageDeduplicationId(message.messageId());
        }
        sqs.sendMessage(send.build());
        sqs.deleteMessage(request -> request.queueUrl(route.deadLetterUrl()).receiptHandle(message.receiptHandle()));
    }

    /** Returns whether the message's source queue is consumed outside Handoff, like the onboarding queue. */
    private boolean hasOtherConsumer(DeadLetterMessage message) {
        return routes.stream().anyMatch(route -> route.name().equals(message.queue()) && !route.consumedByHandoff());
    }

    private int awaitMoveTask(QueueRoute route, String handle) {
        long deadline = System.nanoTime() + MOVE_TASK_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<ListMessageMoveTasksResultEntry> tasks = sqs.listMessageMoveTasks(request -> request
                    .sourceArn(route.deadLetterArn()).maxResults(10)).results();
            Optional<ListMessageMoveTasksResultEntry> task = tasks.stream()
                    .filter(entry -> handle.equals(entry.taskHandle()) || entry.taskHandle() == null)
                    .findFirst();
            if (task.isPresent() && !"RUNNING".equals(task.get().status())) {
                if (!"COMPLETED".equals(task.get().status())) {
                    throw new IllegalStateException("Message move task from " + route.deadLetterArn() + " ended "
                            + task.get().status() + ": " + task.get().failureReason());
                }
                return Math.toIntExact(task.get().approximateNumberOfMessagesMoved() == null ? 0
                        : task.get().approximateNumberOfMessagesMoved());
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("Message move task from " + route.deadLetterArn() + " did not finish within "
                + MOVE_TASK_TIMEOUT.toSeconds() + " s; check it with aws sqs list-message-move-tasks");
    }

    private List<QueueRoute> selected(Optional<String> queue) {
        if (queue.isEmpty()) {
            return routes;
        }
        return List.of(routes.stream()
                .filter(route -> route.name().equalsIgnoreCase(queue.get()) || route.url().endsWith("/" + queue.get()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No queue " + queue.get() + "; use one of "
                        + routes.stream().map(QueueRoute::name).toList())));
    }

    private List<Message> peek(String queueUrl) {
        Map<String, Message> messages = new LinkedHashMap<>();
        int depth = depth(queueUrl);
        for (int receive = 0; receive < 10 && messages.size() < depth; receive++) {
            sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(0)).messages().forEach(message -> messages.putIfAbsent(message.messageId(), message));
        }
        return List.copyOf(messages.values());
    }

    private void release(String queueUrl, List<Message> messages) {
        for (Message message : messages) {
            sqs.changeMessageVisibility(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle())
                    .visibilityTimeout(0));
        }
    }

    private boolean belongsTo(String body, HandoffKey key, Optional<Handoff> handoff) {
        if (handoffKeyOf(body).filter(key.value()::equals).isPresent()) {
            return true;
        }
        String invoiceId = field(body, "invoiceId").orElse(null);
        return invoiceId != null && handoff.map(Handoff::invoiceId).filter(invoiceId::equals).isPresent();
    }

    private static Optional<String> handoffKeyOf(String body) {
        return field(body, "handoffKey");
    }

    private static Optional<String> field(String body, String name) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode value = node == null ? null : node.get(name);
            return value == null || !value.isTextual() ? Optional.empty() : Optional.of(value.asText());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String send(String queueName, Object message) {
        QueueRoute route = selected(Optional.of(queueName)).get(0);
        sqs.sendMessage(request -> request.queueUrl(route.url()).messageBody(Json.write(message)));
        return route.name();
    }

    private int depth(String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(request -> request.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    private void record(String action, String target, String outcome) {
        operations.recordOpsAction(new OpsAction(now(), action, target, outcome, actor));
    }

    private void appendEvent(HandoffKey key, String step, String outcome) {
        if (ledger.find(key).isPresent()) {
            ledger.appendEvent(key, "ops", step, outcome + " by " + actor, now());
        }
    }

    private Instant now() {
        return Instant.now(clock);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a message move task", e);
        }
    }

    /** Returns the tenant the stack serves. */
    public String tenantId() {
        return tenantId;
    }

    /** Returns the stored reason of every failed message, newest first. */
    public List<MessageFailure> messageFailures() {
        return operations.listMessageFailures();
    }
}
