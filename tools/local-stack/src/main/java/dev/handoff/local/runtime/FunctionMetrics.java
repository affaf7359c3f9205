package dev.handoff.local.runtime;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Counters for one local function, safe to update from several threads. */
public final class FunctionMetrics {

    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong failedRecords = new AtomicLong();
    private final AtomicLong durationNanos = new AtomicLong();
    private volatile Consumer<Invocation> invocationListener;

    /**
     * Counter values at one moment.
     *
     * @param invocations handler invocations
     * @param errors invocations that threw
     * @param records SQS records passed to the handler
     * @param failedRecords SQS records reported as batch item failures or in a batch whose invocation threw
     * @param durationNanos time spent in the handler, summed over invocations
     */
    public record Snapshot(long invocations, long errors, long records, long failedRecords, long durationNanos) {
    }

    /**
     * One finished handler invocation, with {@link System#nanoTime()} readings.
     *
     * @param function the function's logical id
     * @param recordCount SQS records in the event, 0 for other events
     */
    public record Invocation(String function, int recordCount, long startNanos, long endNanos) {
    }

    /** Calls {@code listener} after every invocation, on the invoking thread; {@code null} turns it off. */
    public void invocationListener(Consumer<Invocation> listener) {
        this.invocationListener = listener;
    }

    void recordDuration(Invocation invocation) {
        durationNanos.addAndGet(invocation.endNanos() - invocation.startNanos());
        Consumer<Invocation> listener = invocationListener;
        if (listener != null) {
            listener.accept(invocation);
        }
    }

    void recordInvocation(int recordCount) {
        invocations.incrementAndGet();
        records.addAndGet(recordCount);
    }

    void recordError() {
        errors.incrementAndGet();
    }

    void recordFailedRecords(int count) {
        failedRecords.addAndGet(count);
    }

    /** Returns the current counter values. */
    public Snapshot snapshot() {
        return new Snapshot(invocations.get(), errors.get(), records.get(), failedRecords.get(), durationNanos.get());
    }
}
