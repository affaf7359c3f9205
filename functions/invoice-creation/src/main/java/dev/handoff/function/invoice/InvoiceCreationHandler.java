package dev.handoff.function.invoice;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.handoff.lambda.FailureHandling;
import dev.handoff.lambda.HandoffComponents;
import dev.handoff.lambda.SqsBatch;
import dev.handoff.message.InvoiceRequestMessage;
import dev.handoff.service.InvoiceCreationService;
import java.time.Clock;
import java.util.Map;

/**
 * Consumes invoice requests and raises each invoice once (see {@link InvoiceCreationService}). Failed records get
 * the failure policy of {@link FailureHandling}.
 */
public final class InvoiceCreationHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final InvoiceCreationService service;
    private final FailureHandling failureHandling;

    /** Used by Lambda: reads the function's environment. */
    public InvoiceCreationHandler() {
        this(System.getenv());
    }

    /** Builds the handler from an explicit environment, as the local stack does for each function. */
    public InvoiceCreationHandler(Map<String, String> environment) {
        this(new HandoffComponents(environment, "invoice-creation", Clock.systemUTC()));
    }

    private InvoiceCreationHandler(HandoffComponents components) {
        this(components.invoiceCreation(), components.failureHandling());
    }

    /** Builds the handler around a service. Every failed record is reported as a batch item failure. */
    public InvoiceCreationHandler(InvoiceCreationService service) {
        this(service, FailureHandling.reportOnly());
    }

    public InvoiceCreationHandler(InvoiceCreationService service, FailureHandling failureHandling) {
        this.service = service;
        this.failureHandling = failureHandling;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.process(event, InvoiceRequestMessage.class, service::process, InvoiceCreationService.Outcome.class, failureHandling);
    }
}
