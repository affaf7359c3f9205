package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.handoff.accounting.xero.auth.XeroTokenStore;
import dev.handoff.accounting.xero.auth.XeroTokens;
import dev.handoff.bench.probe.ColdStartProbe;
import dev.handoff.local.engines.FunctionDefinition;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.local.engines.SamTemplate;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the deployment jars that template.yaml's CodeUri names, as {@code mvn package} leaves them (./handoff test
 * runs {@code mvn verify}, which packages the function modules before this module's tests): which AWS SDK service
 * clients each one carries, that the modules left out on purpose stay out, that Log4j's plugin caches are merged,
 * and that the handlers the benchmark does not cold-start start from their own jar in a fresh JVM, with the local
 * stack's environment, and handle an event. The benchmark's cold start does the same for the other five.
 */
class FunctionJarsTest {

    /** The SDK service clients each jar carries; the function poms exclude the rest. */
    private static final Map<String, Set<String>> SERVICES = Map.of(
            "functions/deal-won-webhook", Set.of("dynamodb", "secretsmanager", "sqs", "ssm"),
            "functions/customer-upsert", Set.of("dynamodb", "secretsmanager", "sqs", "ssm"),
            "functions/invoice-creation", Set.of("dynamodb", "secretsmanager", "sqs", "ssm"),
            "functions/payment-status-callback", Set.of("secretsmanager", "sqs", "ssm"),
            "functions/payment-status-sync", Set.of("dynamodb", "secretsmanager", "sqs", "ssm"),
            "functions/xero-connection", Set.of("dynamodb", "secretsmanager", "ssm"),
            "functions/review-ops", Set.of("dynamodb", "secretsmanager", "sqs", "ssm"));

    /** Packages and files that no function jar may contain. */
    private static final List<String> ABSENT = List.of(
            "software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/apache5/",
            "software/amazon/awssdk/http/nio/netty/", "software/amazon/awssdk/crt/", "software/amazon/eventstream/",
            "org/yaml/snakeyaml/", "com/fasterxml/jackson/dataformat/yaml/", "io/burt/jmespath/",
            "software/amazon/lambda/powertools/utilities/", "META-INF/maven/", "META-INF/native-image/");

    /** Plugins that the function's log4j2.xml needs, each from a different jar's plugin cache. */
    private static final List<String> LOG4J_PLUGINS = List.of(
            "org.apache.logging.log4j.core.config.xml.XmlConfigurationFactory",
            "org.apache.logging.log4j.core.appender.ConsoleAppender",
            "org.apache.logging.log4j.layout.template.json.JsonTemplateLayout",
            "org.apache.logging.log4j.layout.template.json.resolver.PowertoolsResolverFactory");

    private static final String PLUGIN_CACHE = "META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat";
    private static final Pattern PROBE_LINE = Pattern.compile("cold-start initNanos=\\d+ invokeNanos=\\d+ result=(.*)");
    private static final Pattern SERVICE = Pattern.compile("software/amazon/awssdk/services/([^/]+)/.*");
    private static final Pattern SIGNATURE = Pattern.compile("META-INF/[^/]+\\.(SF|DSA|RSA)");

    private static LocalHandoff local;

    @TempDir
    Path events;

    @BeforeAll
    static void startLocalHandoff() {
        local = LocalHandoffFixtures.startLocalHandoff();
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void jarsCarryOnlyTheModulesTheirFunctionsUse() throws IOException {
        SamTemplate template = SamTemplate.read(RepositoryRoot.template(), "handoff");
        Set<String> modules = new TreeSet<>();
        for (FunctionDefinition function : template.functions()) {
            modules.add(function.codeUri().substring(0, function.codeUri().indexOf("/target/")));
        }
        assertThat(modules).isEqualTo(SERVICES.keySet());

        for (String module : modules) {
            Path jar = builtJar(module);
            Set<String> services = new TreeSet<>();
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                    String name = entries.nextElement().getName();
                    Matcher service = SERVICE.matcher(name);
                    if (service.matches()) {
                        services.add(service.group(1));
                    }
                    assertThat(ABSENT).as(module + " contains " + name).noneMatch(name::startsWith);
                    assertThat(name).as(module).doesNotMatch(SIGNATURE).doesNotEndWith("module-info.class");
                }
                assertThat(zip.getEntry("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class"))
                        .as(module).isNotNull();
                assertThat(zip.getEntry("log4j2.xml")).as(module).isNotNull();
                String pluginCache = new String(zip.getInputStream(zip.getEntry(PLUGIN_CACHE)).readAllBytes(),
                        StandardCharsets.UTF_8);
                assertThat(pluginCache).as(module + " " + PLUGIN_CACHE).contains(LOG4J_PLUGINS);
            }
            assertThat(services).as(module + " SDK service clients").isEqualTo(SERVICES.get(module));
        }
    }

    @Test
    void xeroConnectStartsFromItsJar() throws Exception {
        Path start = event("connect-start.json", httpEvent("/connect/xero", "{}"));
        assertThat(coldStart("XeroConnectFunction", start).result()).isEqualTo("status 302");

        Path callback = event("connect-callback.json", httpEvent("/connect/xero/callback",
                "{\"state\":\"no-such-state\",\"code\":\"test-only-code\"}"));
        assertThat(coldStart("XeroConnectFunction", callback).result()).isEqualTo("status 400");
    }

    @Test
    void xeroKeepAliveRefreshesFromItsJar() throws Exception {
        XeroTokenStore store = new XeroTokenStore(local.stack().dynamoDb(), local.stack().resources().tableName("LedgerTable"));
        String refreshToken = store.find(LocalSettings.TENANT_ID).map(stored -> stored.tokens().refreshToken())
                .orElse(LocalSettings.XERO_REFRESH_TOKEN);
        store.connect(LocalSettings.TENANT_ID, new XeroTokens("", refreshToken, Instant.EPOCH),
                Instant.now().minus(Duration.ofDays(8)));
        Path scheduled = event("scheduled.json", """
                {"version":"0","id":"test-only-event","detail-type":"Scheduled Event","source":"aws.events",
                 "account":"000000000000","time":"2026-12-05T06:00:00Z","region":"af-south-1",
                 "resources":["arn:aws:events:af-south-1:000000000000:rule/keep-alive"],"detail":{}}""");

        ColdStart run = coldStart("XeroTokenKeepAliveFunction", scheduled);

        assertThat(run.result()).isEqualTo("String");
        // The handler's summary line, written by log4j2.xml's JSON layout from the jar's merged plugin caches.
        assertThat(run.output()).contains("{\"level\":\"INFO\",\"message\":\"Xero token keep-alive finished: REFRESHED\"");
    }

    @Test
    void reviewOpsStartsFromItsJar() throws Exception {
        Path list = event("reviews.json", httpEvent("/ops/reviews", "{\"status\":\"PENDING\"}")
                .replace("\"http\":", "\"authorizer\":{\"iam\":{\"userArn\":\"arn:aws:iam::000000000000:user/test-only-ops\"}},\"http\":"));
        assertThat(coldStart("ReviewOpsFunction", list).result()).isEqualTo("status 200");
    }

    private record ColdStart(String result, String output) {
    }

    /**
     * Runs {@link ColdStartProbe} in a fresh JVM on the function's jar, as the benchmark does: the class path holds
     * the jar, the probe and the Lambda runtime's event serialisers, and the environment is the function's.
     */
    private ColdStart coldStart(String logicalId, Path event) throws IOException, InterruptedException {
        FunctionDefinition function = local.stack().template().function(logicalId);
        Path jar = builtJar(function.codeUri().substring(0, function.codeUri().indexOf("/target/")));
        String classpath = String.join(File.pathSeparator, jar.toString(), codeLocation(ColdStartProbe.class),
                codeLocation(LambdaEventSerializers.class));
        Path log = events.resolve(logicalId + "-" + event.getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, ColdStartProbe.class.getName(), function.handler().split("::")[0], event.toString());
        builder.environment().clear();
        builder.environment().putAll(local.stack().environment(logicalId));
        builder.redirectError(log.toFile());

        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(logicalId + " probe finished").isTrue();
        String errors = Files.readString(log);
        assertThat(process.exitValue()).as(logicalId + " probe exit code; stderr:%n%s%nstdout:%n%s", errors, output).isZero();
        Matcher reported = PROBE_LINE.matcher(output.strip().lines().reduce((first, second) -> second).orElse(""));
        assertThat(reported.matches()).as(logicalId + " probe output:%n%s", output).isTrue();
        assertThat(errors).as(logicalId + " stderr").doesNotContain("ClassNotFoundException", "NoClassDefFoundError");
        return new ColdStart(reported.group(1), output);
    }

    private static Path builtJar(String module) {
        Path jar = RepositoryRoot.find().resolve(module).resolve("target")
                .resolve("handoff-" + module.substring("functions/".length()) + "-lambda.jar");
        assumeTrue(Files.isRegularFile(jar), jar + " is not built; run mvn package (./handoff test runs mvn verify)");
        return jar;
    }

    private Path event(String name, String json) throws IOException {
        return Files.writeString(events.resolve(name), json);
    }

    /** An HTTP API (payload 2.0) GET request as API Gateway passes it, with its query parameters as a JSON object. */
    private static String httpEvent(String path, String query) {
        return """
                {"version":"2.0","routeKey":"GET %1$s","rawPath":"%1$s","rawQueryString":"","headers":{"host":"localhost"},
                 "queryStringParameters":%2$s,"isBase64Encoded":false,
                 "requestContext":{"domainName":"localhost","http":{"method":"GET","path":"%1$s"}}}""".formatted(path, query);
    }

    private static String codeLocation(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Unreadable class path entry of " + type.getName(), e);
        }
    }
}
