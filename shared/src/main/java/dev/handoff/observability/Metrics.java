package dev.handoff.observability;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts events and writes each count as one CloudWatch Embedded Metric Format line, which Lambda ships to
 * CloudWatch Logs and CloudWatch turns into a metric in namespace {@code Handoff}, dimension {@code Function}.
 * Also keeps totals in memory for tests and the local stack.
 */
public class Metrics {

    public static final String NAMESPACE = "Handoff";

    private final String functionName;
    private final Clock clock;
    private final Consumer<String> sink;
    private final Map<String, AtomicLong> totals = new ConcurrentHashMap<>();

    public Metrics(String functionName, Clock clock, Consumer<String> sink) {
        this.functionName = functionName;
        this.clock = clock;
        this.sink = sink;
    }

    /** Writes EMF lines to standard output, where Lambda collects them. */
    public static Metrics toStandardOutput(String functionName) {
        return new Metrics(functionName, Clock.systemUTC(), System.out::println);
    }

    public void increment(String name) {
        add(name, 1);
    }

    public void add(String name, long count) {
        totals.computeIfAbsent(name, key -> new AtomicLong()).addAndGet(count);
        sink.accept("{\"_aws\":{\"Timestamp\":" + clock.millis()
                + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + NAMESPACE + "\",\"Dimensions\":[[\"Function\"]],"
                + "\"Metrics\":[{\"Name\":\"" + name + "\",\"Unit\":\"Count\"}]}]},"
                + "\"Function\":\"" + functionName + "\",\"" + name + "\":" + count + "}");
    }

    public long total(String name) {
        AtomicLong value = totals.get(name);
        return value == null ? 0 : value.get();
    }
}
