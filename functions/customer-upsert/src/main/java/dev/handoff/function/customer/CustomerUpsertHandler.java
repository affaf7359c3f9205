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
import dev.handoff.service.DealChangeService;
import java.time.Clock;
import java.util.Map;

/**
 * Consumes deal-won messages: a won deal is made a finance-ready customer (see {@link CustomerUpsertService}), and
 * a change to a handed-off deal is checked against its invoice (see {@link DealChangeService}). Failed records get
 * the failure policy of {@link FailureHandling}.
 */
public final class CustomerUpsertHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** Outcome of one message, named as the outcome of the service that processed it. */
    enum Outcome { CUSTOMER_READY, BLOCKED, IN_REVIEW, ALREADY_DONE, HELD_FOR_REVIEW, REVIEW_RECORDED, NO_REVIEW_NEEDED }

    private final CustomerUpsertService service;
    private final DealChangeService changes;
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
        this(components.customerUpsert(), components.dealChanges(), components.failureHandling());
    }

    /** Builds the handler around its services. Every failed record is reported as a batch item failure. */
    public CustomerUpsertHandler(CustomerUpsertService service, DealChangeService changes) {
        this(service, changes, FailureHandling.reportOnly());
    }

    public CustomerUpsertHandler(CustomerUpsertService service, DealChangeService changes,
            FailureHandling failureHandling) {
        this.service = service;
        this.changes = changes;
        this.failureHandling = failureHandling;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.process(event, DealWonMessage.class, this::process, Outcome.class, failureHandling);
    }

    private Outcome process(DealWonMessage message) {
        String outcome = message.hasChange() ? changes.process(message).name() : service.process(message).name();
        return Outcome.valueOf(outcome);
    }
}
