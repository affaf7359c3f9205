package dev.handoff.local.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.handoff.local.engines.FunctionDefinition;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;

/**
 * Builds handlers from a template's {@code Handler} string ({@code fully.qualified.Class::handleRequest}) the
 * way the Lambda Java runtime does, with one difference in construction.
 *
 * <p>Lambda calls the public no-arg constructor, which reads {@code System.getenv()}. One JVM cannot give each
 * function its own process environment, so the factory first looks for a public constructor taking
 * {@code Map<String, String>} and passes it the environment Lambda would set. Every Handoff handler has one.
 * Only when it is missing does the factory call the no-arg constructor, and that handler then reads the JVM's
 * real environment.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/java-handler.html">Define Lambda function handler in Java</a>
 */
public final class HandlerFactory {

    private static final String HANDLER_METHOD = "handleRequest";

    private HandlerFactory() {
    }

    /**
     * Builds the handler of {@code function} with {@code environment}.
     *
     * @throws IllegalArgumentException if the class is missing, is not a {@link RequestHandler}, names another
     *     method than {@code handleRequest}, or has neither constructor
     * @throws IllegalStateException if the constructor throws
     */
    public static LocalFunction create(FunctionDefinition function, Map<String, String> environment, ClassLoader classLoader) {
        return create(function, environment, classLoader, new FunctionMetrics());
    }

    /**
     * Builds another handler instance of {@code function}, as Lambda starts another execution environment,
     * counting its invocations in the same {@link FunctionMetrics}.
     *
     * @throws IllegalStateException if the constructor throws
     */
    public static LocalFunction createInstance(LocalFunction function, Map<String, String> environment,
            ClassLoader classLoader) {
        return create(function.definition(), environment, classLoader, function.metrics());
    }

    private static LocalFunction create(FunctionDefinition function, Map<String, String> environment,
            ClassLoader classLoader, FunctionMetrics metrics) {
        String handler = function.handler();
        int separator = handler.indexOf("::");
        String className = separator < 0 ? handler : handler.substring(0, separator);
        String methodName = separator < 0 ? HANDLER_METHOD : handler.substring(separator + 2);
        if (!methodName.equals(HANDLER_METHOD)) {
            throw new IllegalArgumentException("Unsupported handler " + handler + " of " + function.logicalId()
                    + ": only RequestHandler::handleRequest is emulated locally");
        }

        Class<?> handlerClass = loadClass(className, function.logicalId(), classLoader);
        if (!RequestHandler.class.isAssignableFrom(handlerClass)) {
            throw new IllegalArgumentException("Handler class " + className + " of " + function.logicalId()
                    + " does not implement " + RequestHandler.class.getName()
                    + "; RequestStreamHandler is not emulated locally");
        }

        @SuppressWarnings("unchecked")
        RequestHandler<Object, Object> instance =
                (RequestHandler<Object, Object>) instantiate(handlerClass, environment, function.logicalId());
        return new LocalFunction(function, instance, inputType(handlerClass), metrics);
    }

    private static Class<?> loadClass(String className, String functionName, ClassLoader classLoader) {
        try {
            return Class.forName(className, true, classLoader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Handler class " + className + " of " + functionName
                    + " not found on the class path; add the function's module as a dependency", e);
        }
    }

    private static Object instantiate(Class<?> handlerClass, Map<String, String> environment, String functionName) {
        try {
            Constructor<?> withEnvironment = publicConstructor(handlerClass, Map.class);
            if (withEnvironment != null) {
                return withEnvironment.newInstance(Map.copyOf(environment));
            }
            Constructor<?> noArg = publicConstructor(handlerClass);
            if (noArg != null) {
                return noArg.newInstance();
            }
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Constructor of " + handlerClass.getName() + " for " + functionName
                    + " failed: " + e.getCause().getClass().getName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Failed to construct " + handlerClass.getName() + " for " + functionName, e);
        }
        throw new IllegalArgumentException("Handler class " + handlerClass.getName() + " of " + functionName
                + " has no public constructor taking Map<String, String> and no public no-arg constructor");
    }

    private static Constructor<?> publicConstructor(Class<?> type, Class<?>... parameterTypes) {
        try {
            Constructor<?> constructor = type.getConstructor(parameterTypes);
            return Modifier.isPublic(type.getModifiers()) ? constructor : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Returns the first parameter type of the handler's non-bridge {@code handleRequest(I, Context)}. */
    private static Class<?> inputType(Class<?> handlerClass) {
        for (Method method : handlerClass.getMethods()) {
            if (method.getName().equals(HANDLER_METHOD) && !method.isBridge() && method.getParameterCount() == 2
                    && method.getParameterTypes()[1] == Context.class) {
                return method.getParameterTypes()[0];
            }
        }
        return Object.class;
    }
}
