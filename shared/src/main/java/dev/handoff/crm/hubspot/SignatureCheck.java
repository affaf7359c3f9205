package dev.handoff.crm.hubspot;

import java.util.Objects;

/**
 * Outcome of checking a HubSpot request signature. {@code message} names the failed check and the header
 * involved, and never contains the client secret, the request body or a signature value, so it is safe to log.
 */
public record SignatureCheck(Outcome outcome, String message) {

    /** Result of the check. Every outcome except {@link #VALID} means the request must be rejected. */
    public enum Outcome {
        VALID,
        /** A required signature or timestamp header is absent or empty. */
        MISSING_HEADER,
        /** The timestamp header is not an integer number of milliseconds. */
        INVALID_TIMESTAMP,
        /** The timestamp is more than the allowed tolerance away from the verifier's clock. */
        STALE_TIMESTAMP,
        /** The legacy {@code X-HubSpot-Signature-Version} is neither v1 nor v2. */
        UNSUPPORTED_VERSION,
        /** The signature does not match the one computed from the request and the client secret. */
        MISMATCH
    }

    public SignatureCheck {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(message, "message");
    }

    static SignatureCheck valid(String version) {
        return new SignatureCheck(Outcome.VALID, "signature " + version + " is valid");
    }

    static SignatureCheck rejected(Outcome outcome, String message) {
        return new SignatureCheck(outcome, message);
    }

    public boolean isValid() {
        return outcome == Outcome.VALID;
    }
}
