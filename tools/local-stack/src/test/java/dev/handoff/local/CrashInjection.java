package dev.handoff.local;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Numbers every call to the wrapped collaborators of one run and crashes the run once at a chosen point. Point
 * {@code 2n} is just before call {@code n}, point {@code 2n + 1} just after it returned. The crash is an
 * {@link Error}, which no service or batch handler catches, so nothing after it runs, as when Lambda's process
 * dies mid-invocation.
 */
final class CrashInjection {

    /** Error thrown at the chosen point in place of the process dying. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(int point, String call) {
            super("Simulated crash at point " + point + " (" + call + ")", null, false, false);
        }
    }

    private final int crashPoint;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean crashed;
    private volatile String crashedCall;

    /** @param crashPoint the point to crash at, or -1 to only count calls */
    CrashInjection(int crashPoint) {
        this.crashPoint = crashPoint;
    }

    /** Wraps every method of {@code target}. */
    <T> T wrapAll(Class<T> type, T target) {
        return wrap(type, target, null);
    }

    /** Wraps only the named methods of {@code target}. Other calls pass through uncounted. */
    <T> T wrap(Class<T> type, T target, Set<String> methods) {
        InvocationHandler handler = (proxy, method, args) -> {
            // Calls go straight to the target, so an overload that delegates to another is still one call.
            boolean counted = method.getDeclaringClass() != Object.class
                    && (methods == null || methods.contains(method.getName()));
            String call = type.getSimpleName() + "." + method.getName();
            int index = counted ? calls.getAndIncrement() : -1;
            if (counted) {
                maybeCrash(2 * index, call);
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                // A call that failed (for example a conditional write) still has a point after it.
                if (counted) {
                    maybeCrash(2 * index + 1, call);
                }
                throw e.getCause();
            }
            if (counted) {
                maybeCrash(2 * index + 1, call);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    int calls() {
        return calls.get();
    }

    boolean crashed() {
        return crashed;
    }

    String crashedCall() {
        return crashedCall;
    }

    private void maybeCrash(int point, String call) {
        if (point == crashPoint && !crashed) {
            crashed = true;
            crashedCall = call + (point % 2 == 0 ? " (before)" : " (after)");
            throw new SimulatedCrash(point, call);
        }
    }
}
