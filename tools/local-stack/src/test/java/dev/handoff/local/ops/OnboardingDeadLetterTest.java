package dev.handoff.local.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.local.LocalHandoff;
import dev.handoff.local.LocalHandoffFixtures;
import dev.handoff.local.ops.OpsRun.Output;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@code ./handoff ops dlq} on the onboarding FIFO dead-letter queue, which the business's onboarding tooling
 * fills when it fails on a trigger. Three triggers are put there directly, two in one message group. The tests
 * run in order, because the redrive empties the queue that the list reads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnboardingDeadLetterTest {

    private static final String FIRST = "{\"triggerId\":\"t-1\",\"handoffKey\":\"hubspot:9999999:48000000001\"}";
    private static final String SECOND = "{\"triggerId\":\"t-2\",\"handoffKey\":\"hubspot:9999999:48000000001\"}";
    private static final String OTHER_GROUP = "{\"triggerId\":\"t-3\",\"handoffKey\":\"hubspot:9999999:48000000002\"}";

    private static LocalHandoff local;
    private static Operations operations;

    @BeforeAll
    static void deadLetterThreeTriggers() {
        local = LocalHandoffFixtures.startLocalHandoff();
        operations = LocalOps.of(local, "onboarding-dlq-test");
        String deadLetterUrl = local.stack().queueUrl("OnboardingDeadLetterQueue");
        send(deadLetterUrl, FIRST, "hubspot:9999999:48000000001", "d-1");
        send(deadLetterUrl, SECOND, "hubspot:9999999:48000000001", "d-2");
        send(deadLetterUrl, OTHER_GROUP, "hubspot:9999999:48000000002", "d-3");
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    @Order(1)
    void dlqListShowsOnboardingQueue() {
        Output output = run("dlq", "list");

        assertThat(output.exitCode()).isZero();
        assertThat(output.text()).contains("OnboardingQueue dead-letter queue: 3 message(s)");
        assertThat(output.text()).contains("OnboardingQueue").contains("handoff hubspot:9999999:48000000002");
    }

    @Test
    @Order(2)
    void checkNamesOnboardingDeadLetter() {
        Output output = run("check");

        assertThat(output.exitCode()).isEqualTo(1);
        assertThat(output.text()).contains("dead-letter queue of OnboardingQueue")
                .contains("./handoff ops dlq redrive --queue OnboardingQueue");
    }

    @Test
    @Order(3)
    void redriveKeepsGroupsAndOrder() {
        Output output = run("dlq", "redrive", "--queue", "OnboardingQueue");

        assertThat(output.exitCode()).isZero();
        assertThat(output.text()).contains("OnboardingQueue: moved 3 message(s) back");
        assertThat(operations.deadLetterDepths()).containsEntry("OnboardingQueue", 0);
        List<Message> redriven = receiveAll(local.stack().queueUrl("OnboardingQueue"));
        assertThat(redriven).extracting(Message::body).containsExactlyInAnyOrder(FIRST, SECOND, OTHER_GROUP);
        List<String> firstGroup = redriven.stream()
                .filter(message -> "hubspot:9999999:48000000001".equals(groupOf(message)))
                .map(Message::body).toList();
        assertThat(firstGroup).containsExactly(FIRST, SECOND);
        assertThat(redriven).extracting(OnboardingDeadLetterTest::groupOf)
                .containsOnly("hubspot:9999999:48000000001", "hubspot:9999999:48000000002");
    }

    private static void send(String queueUrl, String body, String group, String deduplicationId) {
        local.stack().sqs().sendMessage(request -> request.queueUrl(queueUrl).messageBody(body)
                .messageGroupId(group).messageDeduplicationId(deduplicationId));
    }

    private static List<Message> receiveAll(String queueUrl) {
        List<Message> received = new java.util.ArrayList<>();
        while (true) {
            List<Message> batch = local.stack().sqs().receiveMessage(request -> request.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            if (batch.isEmpty()) {
                return received;
            }
            for (Message message : batch) {
                received.add(message);
                local.stack().sqs().deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    private static String groupOf(Message message) {
        return message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    }

    private static Output run(String... arguments) {
        return OpsRun.run(operations, arguments);
    }
}
