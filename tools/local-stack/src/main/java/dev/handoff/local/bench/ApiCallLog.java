package dev.handoff.local.bench;

import dev.handoff.simulator.SimulatedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Every request the simulators served while the benchmark listened, in the order they finished. */
final class ApiCallLog implements Consumer<SimulatedRequest> {

    private final List<SimulatedRequest> requests = new ArrayList<>();

    @Override
    public synchronized void accept(SimulatedRequest request) {
        requests.add(request);
    }

    /** Returns a position to pass to {@link #since(int)}. */
    synchronized int mark() {
        return requests.size();
    }

    synchronized List<SimulatedRequest> since(int mark) {
        return List.copyOf(requests.subList(mark, requests.size()));
    }

    synchronized List<SimulatedRequest> all() {
        return List.copyOf(requests);
    }

    /** Counts the requests since {@code mark} to {@code api} ({@code hubspot} or {@code xero}) that match {@code filter}. */
    long count(int mark, String api, Predicate<SimulatedRequest> filter) {
        return since(mark).stream().filter(request -> request.api().equals(api)).filter(filter).count();
    }

    /** Counts the requests since {@code mark} to {@code api} that no rate limit rejected. */
    long countServed(int mark, String api) {
        return count(mark, api, request -> request.status() != 429);
    }
}
