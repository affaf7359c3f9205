package dev.handoff.local.engines;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The repository's template.yaml declares what failure handling and its monitoring need. */
class FailureMonitoringTemplateTest {

    private static Map<String, Object> resources;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void loadTemplate() throws IOException {
        resources = (Map<String, Object>) CloudFormationYaml.load(Files.readString(RepositoryRoot.template())).get("Resources");
    }

    @Test
    void everyDeadLetterQueueHasAlarm() {
        List<String> deadLetterQueues = resources.values().stream()
                .map(FailureMonitoringTemplateTest::properties)
                .filter(properties -> properties.get("RedrivePolicy") instanceof Map)
                .map(properties -> (Intrinsic) ((Map<?, ?>) properties.get("RedrivePolicy")).get("deadLetterTargetArn"))
                .map(arn -> arn.argument().toString().replace(".Arn", ""))
                .toList();
        String alarms = resources.values().stream()
                .filter(resource -> "AWS::CloudWatch::Alarm".equals(((Map<?, ?>) resource).get("Type")))
                .map(resource -> properties(resource).toString())
                .reduce("", String::concat);

        assertThat(deadLetterQueues).hasSize(4);
        for (String queue : deadLetterQueues) {
            assertThat(alarms).as("alarm on %s", queue).contains(queue + ".QueueName");
        }
    }

    @Test
    void failureClassAlarmsExist() {
        assertThat(properties(resources.get("ConfigurationFailureAlarm")).toString()).contains("ConfigurationFailures");
        assertThat(properties(resources.get("DataFailureAlarm")).toString()).contains("DataFailures");
    }

    @Test
    void dashboardShowsEveryFailureClass() {
        String body = properties(resources.get("FailureDashboard")).get("DashboardBody").toString();

        for (String metric : List.of("RetryableFailures", "ThrottledDelays", "RetriesExhausted", "DataFailures",
                "ConfigurationFailures")) {
            assertThat(body).as("dashboard metric %s", metric).contains(metric);
        }
    }

    @Test
    void consumersRetryOnTheirOwnQueue() {
        for (String function : List.of("CustomerUpsertFunction", "InvoiceCreationFunction", "PaymentStatusSyncFunction")) {
            Map<String, Object> properties = properties(resources.get(function));
            Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) properties.get("Environment")).get("Variables");
            Map<?, ?> events = (Map<?, ?>) properties.get("Events");
            Map<?, ?> sqsEvent = (Map<?, ?>) events.values().iterator().next();
            Intrinsic queueArn = (Intrinsic) ((Map<?, ?>) sqsEvent.get("Properties")).get("Queue");
            String queue = queueArn.argument().toString().replace(".Arn", "");

            assertThat(variables.get("RETRY_QUEUE_URL")).as("%s RETRY_QUEUE_URL", function)
                    .isEqualTo(new Intrinsic("Ref", queue));
            assertThat(properties.get("Policies").toString()).as("%s may send to %s", function, queue)
                    .contains(queue + ".QueueName");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Object resource) {
        Object properties = ((Map<String, Object>) resource).get("Properties");
        return properties == null ? Map.of() : (Map<String, Object>) properties;
    }
}
