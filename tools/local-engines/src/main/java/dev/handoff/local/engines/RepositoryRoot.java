package dev.handoff.local.engines;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the Handoff repository: the nearest directory, upwards, that contains {@code template.yaml}. */
public final class RepositoryRoot {

    /** System property that names the repository root and skips the upward search. */
    public static final String ROOT_PROPERTY = "handoff.root";

    private RepositoryRoot() {
    }

    /**
     * Returns the directory named by the {@code handoff.root} system property, or else the nearest directory
     * containing {@code template.yaml}, starting from the working directory.
     *
     * @throws IllegalStateException if no such directory exists
     */
    public static Path find() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path root = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(root.resolve("template.yaml"))) {
                throw new IllegalStateException(
                        "System property " + ROOT_PROPERTY + " is " + root + ", which contains no template.yaml");
            }
            return root;
        }

        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No template.yaml found in " + start + " or any parent directory; "
                + "run from inside the repository or set -D" + ROOT_PROPERTY + "=<repository root>");
    }

    /** Returns the repository's SAM template, {@code <root>/template.yaml}. */
    public static Path template() {
        return find().resolve("template.yaml");
    }
}
