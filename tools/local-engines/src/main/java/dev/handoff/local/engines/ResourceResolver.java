package dev.handoff.local.engines;

import java.util.Optional;

/**
 * Resolves {@code !Ref} and {@code !GetAtt} on resources whose values exist only once they are created, such
 * as queue URLs and ARNs.
 */
public interface ResourceResolver {

    /** Returns what {@code !Ref logicalId} returns, for a queue its URL; empty if unknown. */
    Optional<String> ref(String logicalId);

    /** Returns what {@code !GetAtt logicalId.attribute} returns, for example a queue's {@code Arn}; empty if unknown. */
    Optional<String> attribute(String logicalId, String attribute);

    /** Returns a resolver that resolves no resource, for values that may depend only on the stack name. */
    static ResourceResolver none() {
        return new ResourceResolver() {
            @Override
            public Optional<String> ref(String logicalId) {
                return Optional.empty();
            }

            @Override
            public Optional<String> attribute(String logicalId, String attribute) {
                return Optional.empty();
            }
        };
    }
}
