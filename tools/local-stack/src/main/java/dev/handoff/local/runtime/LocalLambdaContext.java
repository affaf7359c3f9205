package dev.handoff.local.runtime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.handoff.local.engines.AwsClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The Lambda {@link Context} for one local invocation. The remaining time counts down from the function's
 * {@code Timeout}, but nothing stops a handler that runs past it.
 */
public final class LocalLambdaContext implements Context {

    private static final LambdaLogger STDERR_LOGGER = new LambdaLogger() {
        @Override
        public void log(String message) {
            System.err.print(message);
        }

        @Override
        public void log(byte[] message) {
            System.err.print(new String(message, StandardCharsets.UTF_8));
        }
    };

    private final String requestId;
    private final String functionName;
    private final int memoryLimitMb;
    private final long deadlineNanos;

    /** Creates the context of one invocation of {@code functionName}, with a new request id. */
    public LocalLambdaContext(String functionName, Duration timeout, int memoryLimitMb) {
        this.requestId = UUID.randomUUID().toString();
        this.functionName = functionName;
        this.memoryLimitMb = memoryLimitMb;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local/" + functionName;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT_ID + ":function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long remaining = Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis();
        return (int) Math.max(0, remaining);
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryLimitMb;
    }

    /** Returns a logger that writes to standard error, where Lambda's runtime would write to CloudWatch Logs. */
    @Override
    public LambdaLogger getLogger() {
        return STDERR_LOGGER;
    }
}
