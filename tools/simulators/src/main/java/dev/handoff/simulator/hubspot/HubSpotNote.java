package dev.handoff.simulator.hubspot;

import java.util.List;

/**
 * A note created through the simulator. {@code timestamp} is {@code hs_timestamp} exactly as sent.
 * {@link #toString()} leaves out the body, which can name the customer.
 */
public record HubSpotNote(String id, String body, String timestamp, List<String> dealIds) {

    public HubSpotNote {
        dealIds = List.copyOf(dealIds);
    }

    @Override
    public String toString() {
        return "HubSpotNote[id=" + id + ", dealIds=" + dealIds + "]";
    }
}
