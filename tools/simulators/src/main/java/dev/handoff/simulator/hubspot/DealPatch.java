package dev.handoff.simulator.hubspot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One {@code PATCH /crm/v3/objects/deals/{id}} as received: the deal id and the properties in request order. */
public record DealPatch(String dealId, Map<String, String> properties) {

    public DealPatch {
        // LinkedHashMap keeps request order and, unlike Map.copyOf, allows the null that clears a property.
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    @Override
    public String toString() {
        return "DealPatch[dealId=" + dealId + ", properties=" + properties.keySet() + "]";
    }
}
