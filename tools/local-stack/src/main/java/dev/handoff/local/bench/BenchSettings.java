package dev.handoff.local.bench;

import java.nio.file.Path;

/**
 * Sizes and output file of one benchmark run.
 *
 * @param quick whether this is the short run of {@code --quick}
 * @param burstDeals won deals in the burst, split evenly over two tenants
 * @param timeScale how many times faster than real time the simulated Xero limit windows pass
 * @param warmHandoffs handoffs run one at a time for warm latency and AWS request counts
 * @param coldStartRounds fresh JVMs per function
 * @param output the Markdown file to write
 * @param command the command line to record in the report
 */
record BenchSettings(boolean quick, int burstDeals, double timeScale, int warmHandoffs, int coldStartRounds, Path output,
        String command) {

    /**
     * Xero time scale of both runs: a Xero minute lasts 12 s. The time between Handoff counting a call and making
     * it does not shrink with the scale, and at scale 10 it was a large enough part of the 6-second window that
     * the simulator saw a few calls over its limit and returned 429 (1 to 3 in a quick run on two cores).
     */
    private static final double TIME_SCALE = 5;

    /** Full run: 500 deals at {@link #TIME_SCALE}, 30 warm handoffs, 3 cold-start rounds. */
    static BenchSettings full(Path output, String command) {
        return new BenchSettings(false, 500, TIME_SCALE, 30, 3, output, command);
    }

    /** Quick run, sized to finish within three minutes on two cores: 40 deals, 5 warm handoffs, 1 cold-start round. */
    static BenchSettings quick(Path output, String command) {
        return new BenchSettings(true, 40, TIME_SCALE, 5, 1, output, command);
    }
}
