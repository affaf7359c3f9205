package dev.handoff.crm.hubspot;

import dev.handoff.error.FailureClass;
import dev.handoff.error.HandoffException;

/**
 * HubSpot returned 2xx with a body that is not the documented JSON shape. That happens when the API changed
 * or a proxy in front of it replied, and retrying the same request rarely helps, so it is a
 * {@link FailureClass#CONFIGURATION} failure for an operator to look at. The message never quotes the body.
 */
public class HubSpotProtocolException extends HandoffException {

    public HubSpotProtocolException(String message, Throwable cause) {
        super(message, cause);
    }

    public HubSpotProtocolException(String message) {
        this(message, null);
    }

    @Override
    public FailureClass failureClass() {
        return FailureClass.CONFIGURATION;
    }
}
