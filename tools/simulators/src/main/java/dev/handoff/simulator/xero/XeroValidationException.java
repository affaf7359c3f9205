package dev.handoff.simulator.xero;

import java.util.List;

/** A request element the simulated organisation rejects, with Xero's validation messages. */
public class XeroValidationException extends RuntimeException {

    private final List<String> messages;

    public XeroValidationException(List<String> messages) {
        super(String.join("; ", messages));
        this.messages = List.copyOf(messages);
    }

    public List<String> messages() {
        return messages;
    }
}
