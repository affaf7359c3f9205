package dev.handoff.error;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Decides the {@link FailureClass} of any failure a function meets, so every consumer handles it the same way.
 * Handoff's own exceptions carry their class. AWS SDK failures are classified here: throttling, 5xx and
 * client-side failures (timeouts, refused connections) are retryable, and 401, 403 and missing resources are
 * configuration errors. Anything else is treated as retryable: it may be a bug, and a message that keeps
 * failing then reaches a dead-letter queue with its reason in the ledger instead of being dropped.
 */
public final class FailureClassifier {

    private FailureClassifier() {
    }

    public static FailureClass classify(Throwable failure) {
        if (failure instanceof HandoffException handoff) {
            return handoff.failureClass();
        }
        if (failure instanceof AwsServiceException service) {
            return classifyService(service);
        }
        if (failure instanceof SdkClientException) {
            return FailureClass.RETRYABLE;
        }
        return FailureClass.RETRYABLE;
    }

    /** Returns whether the failure is a request to wait that must not count as a failed attempt. */
    public static boolean isThrottle(Throwable failure) {
        return failure instanceof ThrottledException;
    }

    private static FailureClass classifyService(AwsServiceException service) {
        if (service.isThrottlingException() || service.statusCode() >= 500) {
            return FailureClass.RETRYABLE;
        }
        if (service.statusCode() == 401 || service.statusCode() == 403) {
            return FailureClass.CONFIGURATION;
        }
        String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
        if (code != null && (code.equals("ResourceNotFoundException") || code.startsWith("AccessDenied")
                || code.equals("UnrecognizedClientException") || code.endsWith("NonExistentQueue")
                || code.equals("QueueDoesNotExist"))) {
            return FailureClass.CONFIGURATION;
        }
        return FailureClass.RETRYABLE;
    }
}
