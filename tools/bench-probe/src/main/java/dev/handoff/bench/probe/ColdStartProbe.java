package dev.handoff.bench.probe;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Handles one event with one handler in this fresh JVM, the way the Lambda Java runtime starts a function: it
 * loads the handler class, calls its public no-arg constructor (which reads the process environment), reads the
 * event JSON with the runtime's own event serialisers and calls {@code handleRequest} once.
 *
 * <p>Usage: {@code ColdStartProbe <handler class> <event file>}. The last line on standard output is
 * {@code cold-start initNanos=<n> invokeNanos=<n> result=<class>:<summary>}; the caller times the whole process.
 * NOTE: the Lambda runtime interface client itself is not used, so its own start-up work is not measured.
 */
public final class ColdStartProbe {

    private static final String HANDLER_METHOD = "handleRequest";

    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ColdStartProbe <handler class> <event file>");
            System.exit(2);
        }
        long started = System.nanoTime();
        Class<?> handlerClass = Class.forName(args[0]);
        Object handler = handlerClass.getConstructor().newInstance();
        Method handle = handleMethod(handlerClass);
        long constructed = System.nanoTime();

        Object event = readEvent(Path.of(args[1]), handle.getParameterTypes()[0], handlerClass.getClassLoader());
        Object result;
        try {
            result = handle.invoke(handler, event, new ProbeContext(handlerClass.getSimpleName()));
        } catch (InvocationTargetException e) {
            System.err.println("Handler " + args[0] + " threw " + e.getCause());
            System.exit(1);
            return;
        }
        long handled = System.nanoTime();

        System.out.println("cold-start initNanos=" + (constructed - started) + " invokeNanos=" + (handled - constructed)
                + " result=" + summary(result));
        // Client threads that a handler leaves running must not keep the probe alive after its one event.
        System.exit(0);
    }

    private static Method handleMethod(Class<?> handlerClass) {
        for (Method method : handlerClass.getMethods()) {
            if (method.getName().equals(HANDLER_METHOD) && !method.isBridge() && method.getParameterCount() == 2
                    && method.getParameterTypes()[1] == Context.class) {
                return method;
            }
        }
        throw new IllegalArgumentException(handlerClass.getName() + " has no handleRequest(input, Context) method");
    }

    @SuppressWarnings("unchecked")
    private static Object readEvent(Path file, Class<?> type, ClassLoader classLoader) throws IOException {
        PojoSerializer<Object> serializer = LambdaEventSerializers.isLambdaSupportedEvent(type.getName())
                ? (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(type, classLoader)
                : (PojoSerializer<Object>) JacksonFactory.getInstance().getSerializer(type);
        try (InputStream in = Files.newInputStream(file)) {
            return serializer.fromJson(in);
        }
    }

    /**
     * Returns a summary without the result's content, which may contain customer data: the status code of an HTTP
     * response, the number of batch item failures of an SQS batch response, else the result's type.
     */
    private static String summary(Object result) throws ReflectiveOperationException {
        if (result == null) {
            return "null";
        }
        for (Method method : result.getClass().getMethods()) {
            if (method.getName().equals("getStatusCode") && method.getParameterCount() == 0) {
                return "status " + method.invoke(result);
            }
            if (method.getName().equals("getBatchItemFailures") && method.getParameterCount() == 0) {
                Object failures = method.invoke(result);
                return "batchItemFailures " + (failures == null ? 0 : ((Collection<?>) failures).size());
            }
        }
        return result.getClass().getSimpleName();
    }

    /**
     * A context with the fields a handler may read. Its remaining time starts at 60 seconds, the longest function
     * timeout in template.yaml.
     */
    private static final class ProbeContext implements Context {
        private final String functionName;
        private final long deadline = System.currentTimeMillis() + 60_000;

        ProbeContext(String functionName) {
            this.functionName = functionName;
        }

        @Override
        public String getAwsRequestId() {
            return "cold-start-probe";
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + functionName;
        }

        @Override
        public String getLogStreamName() {
            return "cold-start-probe";
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
            return "arn:aws:lambda:af-south-1:000000000000:function:" + functionName;
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
            return (int) Math.max(0, deadline - System.currentTimeMillis());
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.print(message);
                }

                @Override
                public void log(byte[] message) {
                    System.err.print(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
