package dev.handoff.config;

import dev.handoff.error.ConfigurationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Won stages by pipeline, as HubSpot internal ids. Parsed from {@code pipeline:stage} pairs separated by
 * commas, for example {@code default:closedwon,8812345:101234567}. Labels are never used because sales can
 * rename them.
 */
public final class WonStages {

    private final Map<String, Set<String>> stagesByPipeline;

    private WonStages(Map<String, Set<String>> stagesByPipeline) {
        this.stagesByPipeline = stagesByPipeline;
    }

    public static WonStages parse(String value) {
        Map<String, Set<String>> stages = new HashMap<>();
        for (String pair : value.split(",")) {
            String trimmed = pair.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new ConfigurationException("HUBSPOT_WON_STAGES entry '" + trimmed
                        + "' is invalid; write pipelineId:stageId, for example default:closedwon");
            }
            stages.computeIfAbsent(trimmed.substring(0, colon), key -> new HashSet<>()).add(trimmed.substring(colon + 1));
        }
        if (stages.isEmpty()) {
            throw new ConfigurationException("HUBSPOT_WON_STAGES is empty; list at least one pipelineId:stageId");
        }
        return new WonStages(stages);
    }

    /** Returns whether the stage id is won in any configured pipeline, because webhook events carry no pipeline. */
    public boolean isWonStageInAnyPipeline(String stageId) {
        return stageId != null && stagesByPipeline.values().stream().anyMatch(stages -> stages.contains(stageId));
    }

    /** Returns the configured won stage ids by pipeline id. */
    public Map<String, Set<String>> byPipeline() {
        Map<String, Set<String>> copy = new HashMap<>();
        stagesByPipeline.forEach((pipeline, stages) -> copy.put(pipeline, Set.copyOf(stages)));
        return Map.copyOf(copy);
    }

    public boolean isWon(String pipelineId, String stageId) {
        return stagesByPipeline.getOrDefault(pipelineId, Set.of()).contains(stageId);
    }
}
