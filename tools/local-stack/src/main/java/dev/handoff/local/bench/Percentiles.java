package dev.handoff.local.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Nearest-rank percentiles. */
final class Percentiles {

    private Percentiles() {
    }

    /**
     * Returns the smallest value that at least {@code fraction} of the values are at or below, or 0 for no values.
     *
     * @param fraction between 0 (exclusive) and 1, for example 0.99
     */
    static double of(List<Double> values, double fraction) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(fraction * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
