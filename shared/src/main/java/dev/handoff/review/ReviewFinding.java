package dev.handoff.review;

import java.util.List;
import java.util.Map;

/**
 * A rule's finding that puts a handoff on hold. {@code reason} names the rule and the figures, never names or VAT
 * numbers. {@code facts} contain what the reviewer needs and go to the review item only.
 */
public record ReviewFinding(ReviewType type, String reason, List<String> fields, Map<String, String> facts) {

    public ReviewFinding {
        fields = List.copyOf(fields);
        facts = Map.copyOf(facts);
    }
}
