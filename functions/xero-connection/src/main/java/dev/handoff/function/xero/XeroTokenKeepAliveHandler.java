package dev.handoff.function.xero;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.handoff.lambda.HandoffComponents;
import dev.handoff.service.XeroKeepAliveService;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the daily Xero token keep-alive on an EventBridge schedule (see {@link XeroKeepAliveService}). */
public final class XeroTokenKeepAliveHandler implements RequestHandler<ScheduledEvent, String> {

    private static final Logger LOG = LoggerFactory.getLogger(XeroTokenKeepAliveHandler.class);

    private final Supplier<XeroKeepAliveService> service;

    /** Used by Lambda: reads the function's environment. */
    public XeroTokenKeepAliveHandler() {
        this(System.getenv());
    }

    /** Builds the handler from an explicit environment, as the local stack does for each function. */
    public XeroTokenKeepAliveHandler(Map<String, String> environment) {
        this(new HandoffComponents(environment, "xero-token-keepalive", Clock.systemUTC())::xeroKeepAlive);
    }

    public XeroTokenKeepAliveHandler(Supplier<XeroKeepAliveService> service) {
        this.service = service;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        XeroKeepAliveService.Outcome outcome = service.get().run();
        LOG.info("Xero token keep-alive finished: {}", outcome);
        return outcome.name();
    }
}
