package dev.handoff.function.paymentsync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.handoff.lambda.FailureHandling;
import dev.handoff.lambda.HandoffComponents;
import dev.handoff.lambda.SqsBatch;
import dev.handoff.message.PaymentEventMessage;
import dev.handoff.service.PaymentStatusSyncService;
import java.time.Clock;
import java.util.Map;

/**
 * Consumes Xero invoice events, syncs payment status and sends the onboarding trigger; see
 * {@link PaymentStatusSyncService}. Failed records get the failure policy of {@link FailureHandling}.
 */
public final class PaymentStatusSyncHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final PaymentStatusSyncService service;
    private final FailureHandling failureHandling;

    /** Used by Lambda: reads the function's environment. */
    public PaymentStatusSyncHandler() {
        this(System.getenv());
    }

    /** Builds the handler from an explicit environment, as the local stack does for each function. */
    public PaymentStatusSyncHandler(Map<String, String> environment) {
        this(new HandoffComponents(environment, "payment-status-sync", Clock.systemUTC()));
    }

    private PaymentStatusSyncHandler(HandoffComponents components) {
        this(components.paymentStatusSync(), components.failureHandling());
    }

    /** Builds the handler around a service. Every failed record is reported as a batch item failure. */
    public PaymentStatusSyncHandler(PaymentStatusSyncService service) {
        this(service, FailureHandling.reportOnly());
    }

    public PaymentStatusSyncHandler(PaymentStatusSyncService service, FailureHandling failureHandling) {
        this.service = service;
        this.failureHandling = failureHandling;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.process(event, PaymentEventMessage.class, service::process, PaymentStatusSyncService.Outcome.class, failureHandling);
    }
}
