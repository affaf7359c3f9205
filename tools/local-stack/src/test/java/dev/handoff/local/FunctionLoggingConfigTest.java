package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.local.engines.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks that every function module deployed by template.yaml ships a log4j2.xml. Without one, Log4j falls back
 * to its default configuration, so HANDOFF_LOG_LEVEL and the JSON layout do not apply and INFO lines are lost.
 */
class FunctionLoggingConfigTest {

    private static final Pattern CODE_URI = Pattern.compile("CodeUri:\\s*(functions/[^/\\s]+)/target/");

    @Test
    void everyFunctionModuleHasLog4jConfig() throws IOException {
        Path root = RepositoryRoot.find();
        Matcher matcher = CODE_URI.matcher(Files.readString(RepositoryRoot.template()));
        List<String> modules = matcher.results().map(result -> result.group(1)).distinct().toList();

        assertThat(modules).contains("functions/review-ops", "functions/xero-connection");
        for (String module : modules) {
            Path config = root.resolve(module).resolve("src/main/resources/log4j2.xml");
            assertThat(config).as(module).isRegularFile();
            assertThat(Files.readString(config)).as(module).contains("HANDOFF_LOG_LEVEL", "JsonTemplateLayout");
        }
    }
}
