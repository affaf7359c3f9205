package dev.handoff.error;

/** Failure class that decides the handling of an error. Only {@link #RETRYABLE} failures are retried. */
public enum FailureClass {
    /** Timeouts, 5xx and 429: the same request may succeed later. */
    RETRYABLE,
    /** The record itself is wrong or incomplete: a person must fix it, so retrying is pointless. */
    DATA,
    /** Credentials, permissions or settings are wrong: an operator must fix the deployment. */
    CONFIGURATION
}
