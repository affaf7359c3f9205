package dev.handoff.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.handoff.domain.HandoffKey;
import dev.handoff.domain.HandoffState;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.DataException;
import dev.handoff.error.FailureClass;
import dev.handoff.error.RetryableException;
import dev.handoff.error.ThrottledException;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.Ledger;
import dev.handoff.ledger.MessageFailure;
import dev.handoff.ledger.OperationsLog;
import dev.handoff.local.engines.LocalEnginesExtension;
import dev.handoff.local.engines.ProvisionedResources;
import dev.handoff.message.DealWonMessage;
import dev.handoff.message.Json;
import dev.handoff.observability.Metrics;
import dev.handoff.testing.EngineTestData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The failure policy of {@link SqsBatch} with {@link FailureHandling}, on the real ledger (dynalite) and a real
 * queue (ElasticMQ). Delays are zero, so messages sent again can be received at once.
 */
@ExtendWith(LocalEnginesExtension.class)
class FailureHandlingTest {

    private static final AtomicInteger DEALS = new AtomicInteger(100);
    private static final String PORTAL = "9100001";

    private final SqsClient sqs;
    private final Ledger ledger;
    private final OperationsLog operations;
    private final String queueUrl;
    private final String queueArn;
    private final String scope = "tenant:test-" + DEALS.incrementAndGet();
    private final HandoffKey key = HandoffKey.hubspot(PORTAL, "4800000" + DEALS.incrementAndGet());
    private final Metrics metrics = new Metrics("test", Clock.systemUTC(), line -> { });
    private FailureHandling handling;

    FailureHandlingTest(DynamoDbClient dynamoDb, SqsClient sqs, ProvisionedResources resources) {
        this.sqs = sqs;
        this.ledger = new Ledger(dynamoDb, resources.tableName("LedgerTable"));
        this.operations = new OperationsLog(ledger);
        this.queueUrl = resources.queueUrl("DealWonQueue");
        this.queueArn = resources.queueArns().get("DealWonQueue");
    }

    @BeforeAll
    static void awaitTable(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(dynamoDb)
                .overrideConfiguration(configuration -> configuration
                        .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(20))).maxAttempts(250))
                .build()) {
            waiter.waitUntilTableExists(request -> request.tableName(resources.tableName("LedgerTable")));
        }
    }

    @BeforeEach
    void emptyQueue() {
        EngineTestData.receiveAndDeleteAll(sqs, queueUrl);
        handling = new FailureHandling(sqs, queueUrl, new RetryPolicy(3, Duration.ZERO, Duration.ZERO), ledger, scope,
                metrics, Clock.systemUTC());
    }

    @Test
    void throttledIsResentWithSameAttempt() {
        SQSBatchResponse response = process(record("m-throttled", 2), message -> {
            throw new ThrottledException("HubSpot 429", Duration.ZERO);
        });

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<Message> resent = EngineTestData.receiveAndDeleteAll(sqs, queueUrl);
        assertThat(resent).hasSize(1);
        assertThat(attemptOf(resent.get(0))).isEqualTo("2");
        assertThat(metrics.total("ThrottledDelays")).isEqualTo(1);
    }

    // A throttle's delay keeps the message invisible instead of returning it at once. RetryPolicyTest checks that
    // Xero's Retry-After of 37 s becomes 37 to 44 s; a short delay keeps this test from leaving a message behind.
    @Test
    void throttleDelayHoldsMessageBack() {
        SQSBatchResponse response = process(record("m-throttled-delay", 1), message -> {
            throw new ThrottledException("Xero create invoice failed with HTTP 429", Duration.ofSeconds(2));
        });

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(EngineTestData.receiveAndDeleteAll(sqs, queueUrl)).isEmpty();
        String delayed = sqs.getQueueAttributes(request -> request.queueUrl(queueUrl)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
        assertThat(delayed).isEqualTo("1");

        List<Message> resent = sqs.receiveMessage(request -> request.queueUrl(queueUrl).waitTimeSeconds(5)
                .messageAttributeNames("All")).messages();
        assertThat(resent).hasSize(1);
        sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(resent.get(0).receiptHandle()));
    }

    @Test
    void retryableIsResentWithNextAttempt() {
        SQSBatchResponse response = process(record("m-retry", 1), message -> {
            throw new RetryableException("Xero create contact failed with HTTP 503", null);
        });

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<Message> resent = EngineTestData.receiveAndDeleteAll(sqs, queueUrl);
        assertThat(resent).hasSize(1);
        assertThat(resent.get(0).body()).isEqualTo(body());
        assertThat(attemptOf(resent.get(0))).isEqualTo("2");
        assertThat(ledger.timeline(key)).extracting(event -> event.outcome()).contains("RETRY_SCHEDULED");
    }

    @Test
    void lastAttemptIsReportedWithReason() {
        SQSBatchResponse response = process(record("m-exhausted-" + key.dealId(), 3), message -> {
            throw new RetryableException("Xero create contact failed with HTTP 503", null);
        });

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m-exhausted-" + key.dealId());
        assertThat(EngineTestData.receiveAndDeleteAll(sqs, queueUrl)).isEmpty();
        MessageFailure failure = operations.findMessageFailure("m-exhausted-" + key.dealId()).orElseThrow();
        assertThat(failure.failureClass()).isEqualTo(FailureClass.RETRYABLE);
        assertThat(failure.reason()).startsWith("retries exhausted after attempt 3").contains("HTTP 503");
        assertThat(failure.handoffKey()).isEqualTo(key.value());
    }

    @Test
    void dataErrorFailsHandoffAndAcknowledges() {
        ledger.openHandoff(key, "tenant-a", "event-1", Instant.now());

        SQSBatchResponse response = process(record("m-data-" + key.dealId(), 1), message -> {
            throw new DataException("Xero rejected the contact: <remote text>", List.of("company.vatNumber"));
        });

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(EngineTestData.receiveAndDeleteAll(sqs, queueUrl)).isEmpty();
        Handoff failed = ledger.find(key).orElseThrow();
        assertThat(failed.state()).isEqualTo(HandoffState.FAILED);
        assertThat(failed.blockedFields()).containsExactly("company.vatNumber");
        assertThat(failed.resumeState()).isEqualTo(HandoffState.RECEIVED);
        assertThat(failed.blockedReason()).contains("company.vatNumber").doesNotContain("<remote text>");
        assertThat(operations.findMessageFailure("m-data-" + key.dealId()).orElseThrow().failureClass())
                .isEqualTo(FailureClass.DATA);
    }

    @Test
    void malformedBodyIsReportedWithReason() {
        SQSEvent.SQSMessage poison = record("m-poison-" + key.dealId(), 1);
        poison.setBody("deal won <not json>");

        SQSBatchResponse response = process(poison, message -> DealOutcome.DONE);

        assertThat(response.getBatchItemFailures()).hasSize(1);
        MessageFailure failure = operations.findMessageFailure("m-poison-" + key.dealId()).orElseThrow();
        assertThat(failure.failureClass()).isEqualTo(FailureClass.DATA);
        assertThat(failure.reason()).contains("DealWonMessage");
        assertThat(failure.handoffKey()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-handoff-key", "hubspot:9999999:-1", "hubspot:9999999:0", "hubspot:-1:48000000001"})
    void invalidKeyIsDataErrorNotRetried(String handoffKey) {
        String messageId = "m-bad-key-" + handoffKey.replace(':', '_');
        SQSEvent.SQSMessage record = record(messageId, 1);
        record.setBody("{\"handoffKey\":\"" + handoffKey + "\",\"eventKey\":\"" + PORTAL + ":1\",\"occurredAt\":1772317800000}");

        SQSBatchResponse response = process(record, message -> DealOutcome.DONE);

        assertThat(response.getBatchItemFailures()).hasSize(1);
        assertThat(EngineTestData.receiveAndDeleteAll(sqs, queueUrl)).isEmpty();
        MessageFailure failure = operations.findMessageFailure(messageId).orElseThrow();
        assertThat(failure.failureClass()).isEqualTo(FailureClass.DATA);
        assertThat(failure.reason()).contains("handoffKey '" + handoffKey + "' is invalid");
        assertThat(metrics.total("RetryableFailures")).isZero();
    }

    @Test
    void configurationErrorParksAndKeepsMessage() {
        SQSBatchResponse response = process(record("m-config", 1), message -> {
            throw new ConfigurationException("Xero get invoice failed with HTTP 401: check the access token");
        });

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(operations.findPark(scope)).isPresent();
        assertThat(EngineTestData.receiveAndDeleteAll(sqs, queueUrl)).hasSize(1);
        assertThat(metrics.total("ConfigurationFailures")).isEqualTo(1);
    }

    @Test
    void parkedScopeHoldsMessagesUntilUnparked() {
        operations.park(scope, "Xero refused the refresh token", Instant.now());
        AtomicInteger calls = new AtomicInteger();
        Function<DealWonMessage, DealOutcome> work = message -> {
            calls.incrementAndGet();
            return DealOutcome.DONE;
        };

        SQSBatchResponse whileParked = process(record("m-held", 1), work);

        assertThat(whileParked.getBatchItemFailures()).isEmpty();
        assertThat(calls).hasValue(0);
        assertThat(EngineTestData.receiveAndDeleteAll(sqs, queueUrl)).hasSize(1);

        assertThat(operations.unpark(scope)).isTrue();
        process(record("m-released", 1), work);

        assertThat(calls).hasValue(1);
    }

    @Test
    void reportOnlyReportsEveryFailure() {
        SQSBatchResponse response = SqsBatch.process(event(record("m-report", 1)), DealWonMessage.class, message -> {
            throw new RetryableException("timeout", null);
        }, DealOutcome.class, FailureHandling.reportOnly());
        SQSBatchResponse dataResponse = SqsBatch.process(event(record("m-report-data", 1)), DealWonMessage.class, message -> {
            throw new DataException("unknown handoff", List.of("handoffKey"));
        }, DealOutcome.class, FailureHandling.reportOnly());

        assertThat(response.getBatchItemFailures()).hasSize(1);
        assertThat(dataResponse.getBatchItemFailures()).hasSize(1);
    }

    enum DealOutcome { DONE }

    private SQSBatchResponse process(SQSEvent.SQSMessage record, Function<DealWonMessage, DealOutcome> work) {
        return SqsBatch.process(event(record), DealWonMessage.class, work, DealOutcome.class, handling);
    }

    private SQSEvent event(SQSEvent.SQSMessage record) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }

    private SQSEvent.SQSMessage record(String messageId, int attempt) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(messageId);
        record.setBody(body());
        record.setEventSourceArn(queueArn);
        if (attempt > 1) {
            SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
            attribute.setDataType("Number");
            attribute.setStringValue(Integer.toString(attempt));
            record.setMessageAttributes(Map.of(FailureHandling.ATTEMPT_ATTRIBUTE, attribute));
        }
        return record;
    }

    private String body() {
        return Json.write(new DealWonMessage(key.value(), PORTAL + ":1", 1_772_317_800_000L));
    }

    private static String attemptOf(Message message) {
        return message.messageAttributes().get(FailureHandling.ATTEMPT_ATTRIBUTE).stringValue();
    }
}
