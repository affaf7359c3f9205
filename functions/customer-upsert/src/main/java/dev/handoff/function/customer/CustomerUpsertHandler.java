package dev.handoff.function.customer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.handoff.lambda.FailureHandling;
import dev.handoff.lambda.HandoffComponents;
import dev.handoff.lambda.SqsBatch;
import dev.handoff.message.DealWonMessage;
import dev.handoff.service.CustomerUpsertService;
import java.time.Clock;
import java.util.Map;

/**
 * Consumes deal-won messages and makes the customer finance-ready; see {@link CustomerUpsertService}. Failed records get the failure policy of {@link FailureHandling}.
 */
public final class CustomerUpsertHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final CustomerUpsertService service;
    private final FailureHandling failureHandling;

    /** Used by Lambda: reads the function's environment. */
    public CustomerUpsertHandler() {
        this(System.getenv());
    }

    /** Builds the handler from an explicit environment, as the local stack does for each function. */
    public CustomerUpsertHandler(Map<String, String> environment) {
        this(new HandoffComponents(environment, "customer-upsert", Clock.systemUTC()));
    }

    private CustomerUpsertHandler(HandoffComponents components) {
        this(components.customerUpsert(), components.failureHandling());
    }

    /** Builds the handler around a service; every failed record is reported as a batch item failure. */
    public CustomerUpsertHandler(CustomerUpsertService service) {
        this(service, FailureHandling.reportOnly());
    }

    public CustomerUpsertHandler(CustomerUpsertService service, FailureHandling failureHandling) {
        this.service = service;
        this.failureHandling = failureHandling;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.process(event, DealWonMessage.class, service::process, CustomerUpsertService.Outcome.class, failureHandling);
    }
}
