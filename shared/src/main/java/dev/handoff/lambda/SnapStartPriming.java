package dev.handoff.lambda;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a priming step before Lambda SnapStart takes its snapshot, so that restored execution environments start
 * with the SDK and JSON classes loaded and initialised. It uses the CRaC API that SnapStart implements. On a JVM
 * without CRaC, the registration does nothing.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html">Lambda SnapStart runtime hooks for Java</a>
 */
public final class SnapStartPriming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    /** CRaC references registered resources weakly, so this list keeps them reachable until the snapshot. */
    private static final List<SnapStartPriming> REGISTERED = new CopyOnWriteArrayList<>();

    private final Runnable primer;

    SnapStartPriming(Runnable primer) {
        this.primer = primer;
    }

    /** Registers {@code primer} to run once before the snapshot. */
    public static SnapStartPriming register(Runnable primer) {
        SnapStartPriming priming = new SnapStartPriming(primer);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    /** Runs the primer. A failure is logged and does not stop the snapshot, because priming only saves time. */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            primer.run();
        } catch (RuntimeException e) {
            LOG.warn("SnapStart priming failed; restored environments will load the missing classes on first use: {}",
                    e.getClass().getName());
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh. A pooled connection that went stale in the snapshot fails, and the SDK retries on a new one.
    }
}
