package dev.handoff.accounting;

/**
 * Accounting API calls paid for ahead of a step that makes several, from an {@link AccountingClient#reserveCalls}.
 * Closing it gives back the calls the step did not make.
 */
public interface CallReservation extends AutoCloseable {

    /** A reservation that paid for nothing, for clients without call limits. */
    CallReservation NONE = () -> { };

    @Override
    void close();
}
