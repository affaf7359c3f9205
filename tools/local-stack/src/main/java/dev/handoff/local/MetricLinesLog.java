package dev.handoff.local;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends what the functions write to standard output, their CloudWatch EMF metric lines, to a file while the
 * demo runs, so the story on the terminal stays readable. Lambda collects those lines from standard output, and
 * the local stack runs the functions in this process, so they would otherwise land between the story's steps.
 * The demo's results do not go through {@code System.out}, so {@code --json} output is not affected.
 */
public final class MetricLinesLog implements AutoCloseable {

    /** Path of the log file, relative to the repository root. Each run replaces the file. */
    public static final String RELATIVE_PATH = "tools/local-stack/target/demo-metrics.log";

    private final Path path;
    private final PrintStream previous;
    private final PrintStream file;

    private MetricLinesLog(Path path, PrintStream previous, PrintStream file) {
        this.path = path;
        this.previous = previous;
        this.file = file;
    }

    /** Points {@code System.out} at the log file under {@code repositoryRoot} until {@link #close()}. */
    public static MetricLinesLog open(Path repositoryRoot) throws IOException {
        Path path = repositoryRoot.resolve(RELATIVE_PATH);
        Files.createDirectories(path.getParent());
        PrintStream file = new PrintStream(new FileOutputStream(path.toFile(), false), true, StandardCharsets.UTF_8);
        PrintStream previous = System.out;
        System.setOut(file);
        return new MetricLinesLog(path, previous, file);
    }

    public Path path() {
        return path;
    }

    /** Restores the earlier {@code System.out} and closes the file. */
    @Override
    public void close() {
        System.setOut(previous);
        file.close();
    }
}
