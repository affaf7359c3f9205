package dev.handoff.crm.hubspot;

import java.math.BigDecimal;
import java.util.List;

/**
 * A deal pipeline as {@code GET /crm/v3/pipelines/deals} returns it (https://developers.hubspot.com/docs/api/crm/pipelines).
 * Stage ids are the internal ids that deals and webhooks carry, while labels can be renamed by sales.
 */
public record HubSpotPipeline(String id, String label, List<Stage> stages) {

    public HubSpotPipeline {
        stages = List.copyOf(stages);
    }

    /**
     * One stage. {@code closed} and {@code probability} come from the stage's {@code metadata}. A closed stage
     * with probability 1 is a won stage in HubSpot's own reports. {@code probability} is null when absent.
     */
    public record Stage(String id, String label, boolean closed, BigDecimal probability) {

        public boolean looksWon() {
            return closed && probability != null && probability.compareTo(BigDecimal.ONE) == 0;
        }
    }
}
