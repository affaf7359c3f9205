package dev.handoff.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.local.engines.RepositoryRoot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    private static final String OUTPUT = "tools/local-stack/target/bench-test/benchmarks.md";

    @Test
    void tinyBenchWritesEverySection() throws Exception {
        Path output = RepositoryRoot.find().resolve(OUTPUT);
        Files.deleteIfExists(output);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        int exitCode = BenchCommand.run(List.of("--quick", "--deals", "2", "--warm", "1", "--cold-rounds", "1", "--output", OUTPUT),
                new PrintStream(printed, true, StandardCharsets.UTF_8), System.err);

        String report = Files.readString(output);
        assertThat(exitCode).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(report);
        assertThat(report).contains("| Command | `./handoff bench --quick --deals 2 --warm 1 --cold-rounds 1 --output " + OUTPUT + "` |");
        assertThat(report).contains("## Throughput under Xero's limits");
        assertThat(report).contains("## Calls per handoff");
        assertThat(report).contains("## Cold start");
        assertThat(report).contains("| HelloWorld |");
        assertThat(report).contains("| ReviewOpsFunction | not measured: serves the review API to people");
        assertThat(report).containsPattern("\\| XeroConnectFunction \\| [0-9.]+ \\| not measured \\| - \\| - \\| - \\| not measured: ");
        assertThat(report).doesNotContainPattern("\\| XeroConnectFunction \\| [0-9.]+ \\| 0 \\|");
        // Each function on the won-to-paid path started from its shaded jar and handled its event.
        assertThat(report).containsPattern("\\| DealWonWebhookFunction \\| [0-9.]+ \\|.* \\| status 200 \\|");
        assertThat(report).containsPattern("\\| CustomerUpsertFunction \\| [0-9.]+ \\|.* \\| batchItemFailures 0 \\|");
        assertThat(report).containsPattern("\\| InvoiceCreationFunction \\| [0-9.]+ \\|.* \\| batchItemFailures 0 \\|");
        assertThat(report).containsPattern("\\| PaymentStatusCallbackFunction \\| [0-9.]+ \\|.* \\| status 200 \\|");
        assertThat(report).containsPattern("\\| PaymentStatusSyncFunction \\| [0-9.]+ \\|.* \\| batchItemFailures 0 \\|");
        assertThat(report).contains("## Warm latency");
        assertThat(report).contains("## AWS requests and cost per handoff");
    }

    @Test
    void quickPicksQuickSizes() {
        Path root = Path.of("/repo");

        BenchSettings settings = BenchCommand.parse(List.of("--quick"), root);

        assertThat(settings.quick()).isTrue();
        assertThat(settings.burstDeals()).isEqualTo(40);
        assertThat(settings.output()).isEqualTo(root.resolve(BenchCommand.QUICK_OUTPUT));
        assertThat(settings.command()).isEqualTo("./handoff bench --quick");
    }

    @Test
    void fullRunWritesDocsPage() {
        Path root = Path.of("/repo");

        BenchSettings settings = BenchCommand.parse(List.of(), root);

        assertThat(settings.quick()).isFalse();
        assertThat(settings.burstDeals()).isEqualTo(500);
        assertThat(settings.timeScale()).isEqualTo(5);
        assertThat(settings.output()).isEqualTo(root.resolve("docs/benchmarks.md"));
    }

    @Test
    void optionsOverrideSizes() {
        BenchSettings settings = BenchCommand.parse(
                List.of("--deals", "12", "--warm", "3", "--cold-rounds", "2", "--time-scale", "30"), Path.of("/repo"));

        assertThat(settings.burstDeals()).isEqualTo(12);
        assertThat(settings.warmHandoffs()).isEqualTo(3);
        assertThat(settings.coldStartRounds()).isEqualTo(2);
        assertThat(settings.timeScale()).isEqualTo(30);
    }

    @Test
    void invalidOptionsAreRejected() {
        Path root = Path.of("/repo");

        assertThatThrownBy(() -> BenchCommand.parse(List.of("--bogus"), root)).hasMessage("unknown option --bogus");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--deals"), root)).hasMessage("--deals needs a value");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--fast", "1"), root)).hasMessage("unknown option --fast");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--deals", "0"), root))
                .hasMessage("--deals '0' is invalid; use a whole number from 1");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--time-scale", "0.5"), root))
                .hasMessageContaining("--time-scale '0.5' is invalid");
    }
}
