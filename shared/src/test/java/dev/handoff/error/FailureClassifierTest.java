package dev.handoff.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

class FailureClassifierTest {

    @Test
    void handoffExceptionsKeepTheirClass() {
        assertThat(FailureClassifier.classify(new RetryableException("HTTP 503", null))).isEqualTo(FailureClass.RETRYABLE);
        assertThat(FailureClassifier.classify(new DataException("missing", List.of("deal.company"))))
                .isEqualTo(FailureClass.DATA);
        assertThat(FailureClassifier.classify(new ConfigurationException("HTTP 401"))).isEqualTo(FailureClass.CONFIGURATION);
        assertThat(FailureClassifier.classify(new ThrottledException("HTTP 429", Duration.ofSeconds(10))))
                .isEqualTo(FailureClass.RETRYABLE);
    }

    @Test
    void throttledIsTheOnlyThrottle() {
        assertThat(FailureClassifier.isThrottle(new ThrottledException("HTTP 429", Duration.ofSeconds(10)))).isTrue();
        assertThat(FailureClassifier.isThrottle(new RetryableException("HTTP 503", null))).isFalse();
    }

    @Test
    void dynamoDbThrottlingIsRetryable() {
        var throttled = ProvisionedThroughputExceededException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                .build();

        assertThat(FailureClassifier.classify(throttled)).isEqualTo(FailureClass.RETRYABLE);
    }

    @Test
    void dynamoDbServerErrorIsRetryable() {
        var serverError = DynamoDbException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalServerError").build()).build();

        assertThat(FailureClassifier.classify(serverError)).isEqualTo(FailureClass.RETRYABLE);
    }

    @Test
    void timeoutsAreRetryable() {
        assertThat(FailureClassifier.classify(ApiCallTimeoutException.create(20_000))).isEqualTo(FailureClass.RETRYABLE);
        assertThat(FailureClassifier.classify(SdkClientException.create("connection refused")))
                .isEqualTo(FailureClass.RETRYABLE);
    }

    @Test
    void accessDeniedIsConfiguration() {
        var denied = DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build();

        assertThat(FailureClassifier.classify(denied)).isEqualTo(FailureClass.CONFIGURATION);
    }

    @Test
    void missingTableIsConfiguration() {
        var missing = ResourceNotFoundException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build()).build();

        assertThat(FailureClassifier.classify(missing)).isEqualTo(FailureClass.CONFIGURATION);
    }

    @Test
    void unknownExceptionIsRetryable() {
        assertThat(FailureClassifier.classify(new IllegalStateException("bug"))).isEqualTo(FailureClass.RETRYABLE);
    }
}
