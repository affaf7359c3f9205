package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricLinesLogTest {

    @Test
    void standardOutputGoesToFileThenBack(@TempDir Path root) throws Exception {
        PrintStream before = System.out;
        String emfLine = "{\"_aws\":{\"Timestamp\":1760000000000},\"ThrottledDelays\":1}";

        Path file;
        try (MetricLinesLog log = MetricLinesLog.open(root)) {
            file = log.path();
            System.out.println(emfLine);
        }

        assertThat(file).isEqualTo(root.resolve("tools/local-stack/target/demo-metrics.log"));
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(emfLine + System.lineSeparator());
        assertThat(System.out).isSameAs(before);
    }
}
