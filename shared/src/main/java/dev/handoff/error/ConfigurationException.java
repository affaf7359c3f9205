package dev.handoff.error;

/** Credentials, permissions or settings are wrong (401, 403, a missing variable): an operator must act. */
public class ConfigurationException extends HandoffException {

    public ConfigurationException(String message) {
        this(message, null);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public FailureClass failureClass() {
        return FailureClass.CONFIGURATION;
    }
}
