package dev.handoff.local.runtime;

import java.util.concurrent.atomic.AtomicLong;

/** Counters for one local function, safe to update from several threads. */
public final class FunctionMetrics {

    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong failedRecords = new AtomicLong();

    /**
     * Counter values at one moment.
     *
     * @param invocations handler invocations
     * @param errors invocations that threw
     * @param records SQS records passed to the handler
     * @param failedRecords SQS records reported as batch item failures or in a batch whose invocation threw
     */
    public record Snapshot(long invocations, long errors, long records, long failedRecords) {
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
        return new Snapshot(invocations.get(), errors.get(), records.get(), failedRecords.get());
    }
}
