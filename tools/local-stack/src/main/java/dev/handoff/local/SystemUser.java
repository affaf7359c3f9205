package dev.handoff.local;

import java.util.Optional;

/** The operating-system user that the {@code ./handoff} commands record as the operator or reviewer. */
public final class SystemUser {

    private SystemUser() {
    }

    /**
     * Returns the {@code user.name} system property, which the JVM sets from the operating system even where the
     * {@code USER} environment variable is unset, or empty when it is blank.
     */
    public static Optional<String> name() {
        return Optional.ofNullable(System.getProperty("user.name")).filter(name -> !name.isBlank());
    }
}
