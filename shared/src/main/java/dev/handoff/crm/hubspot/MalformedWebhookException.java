package dev.handoff.crm.hubspot;

import dev.handoff.error.DataException;
import java.util.List;

/**
 * A HubSpot webhook body that cannot be read as a delivery: not a JSON array, too large, or an event without a
 * required field. The message names the event position and the field but never a field value. The sender should
 * get HTTP 400, because resending the same body cannot succeed.
 */
public class MalformedWebhookException extends DataException {

    public MalformedWebhookException(String message, List<String> fields) {
        super(message, fields);
    }
}
