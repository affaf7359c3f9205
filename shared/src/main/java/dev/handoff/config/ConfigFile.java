package dev.handoff.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.handoff.domain.PriceBasis;
import dev.handoff.domain.TaxCategory;
import dev.handoff.error.ConfigurationException;
import dev.handoff.message.Json;
import dev.handoff.review.ReviewPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The versioned configuration file, {@code config/handoff-config.json} in the shared module's resources,
 * validated against {@code config/handoff-config.schema.json} when it is loaded. A function loads it once at
 * start, so a wrong file stops the function at its first invocation with a message that names each invalid key
 * and its fix.
 *
 * <p>The file comes from, in this order: the SSM parameter named by {@code HANDOFF_CONFIG_SSM_PARAMETER}, the
 * JSON text in {@code HANDOFF_CONFIG}, the file named by {@code HANDOFF_CONFIG_FILE}, else the bundled default,
 * which fits a South African VAT vendor. docs/configuration.md explains every key.
 */
public final class ConfigFile {

    public static final String DEFAULT_RESOURCE = "config/handoff-config.json";
    public static final String SCHEMA_RESOURCE = "config/handoff-config.schema.json";

    private static final JsonNode SCHEMA_NODE = readResource(SCHEMA_RESOURCE);
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SCHEMA_NODE.toString(), InputFormat.JSON);

    private final JsonNode root;
    private final String source;

    private ConfigFile(JsonNode root, String source) {
        this.root = root;
        this.source = source;
    }

    /**
     * Loads and validates the configuration named by the environment.
     *
     * @param ssmParameter reads an SSM parameter's value by name, with decryption
     * @throws ConfigurationException naming the source and each invalid key with its fix
     */
    public static ConfigFile load(Map<String, String> environment, Function<String, String> ssmParameter) {
        String parameter = blankToNull(environment.get("HANDOFF_CONFIG_SSM_PARAMETER"));
        if (parameter != null) {
            return parse(ssmParameter.apply(parameter), "SSM parameter " + parameter);
        }
        String inline = blankToNull(environment.get("HANDOFF_CONFIG"));
        if (inline != null) {
            return parse(inline, "environment variable HANDOFF_CONFIG");
        }
        String file = blankToNull(environment.get("HANDOFF_CONFIG_FILE"));
        if (file != null) {
            try {
                return parse(Files.readString(Path.of(file), StandardCharsets.UTF_8), "file " + file);
            } catch (IOException e) {
                throw new ConfigurationException("Configuration file " + file + " could not be read; set HANDOFF_CONFIG_FILE"
                        + " to a readable JSON file", e);
            }
        }
        return bundledDefault();
    }

    public static ConfigFile bundledDefault() {
        return new ConfigFile(readResource(DEFAULT_RESOURCE), "bundled " + DEFAULT_RESOURCE);
    }

    /**
     * Parses and validates configuration text.
     *
     * @throws ConfigurationException if the text is not JSON or breaks the schema
     */
    public static ConfigFile parse(String text, String source) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException("Configuration from " + source + " is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "); fix the syntax there");
        }
        List<Error> errors = SCHEMA.validate(root);
        if (!errors.isEmpty()) {
            String problems = errors.stream().map(ConfigFile::describe).distinct().collect(Collectors.joining("; "));
            throw new ConfigurationException("Configuration from " + source + " is invalid: " + problems);
        }
        return new ConfigFile(root, source);
    }

    public String source() {
        return source;
    }

    /** Returns the won stages as {@link WonStages} reads them: {@code pipeline:stage} pairs. */
    public WonStages wonStages() {
        List<String> pairs = new ArrayList<>();
        root.path("wonStages").properties().forEach(pipeline ->
                pipeline.getValue().forEach(stage -> pairs.add(pipeline.getKey() + ":" + stage.asText())));
        return WonStages.parse(String.join(",", pairs));
    }

    public String timeZone() {
        return root.path("organisation").path("timeZone").asText("Africa/Johannesburg");
    }

    public String invoiceStatus() {
        return invoice().path("status").asText();
    }

    public int paymentTermsDays() {
        return invoice().path("paymentTermsDays").asInt();
    }

    public PriceBasis priceBasis() {
        return PriceBasis.valueOf(invoice().path("priceBasis").asText());
    }

    public String salesAccountCode() {
        return invoice().path("salesAccountCode").asText();
    }

    public TaxCategory defaultTaxCategory() {
        return TaxCategory.valueOf(invoice().path("defaultTaxCategory").asText());
    }

    public BigDecimal standardVatRate() {
        return decimal(invoice().path("standardVatRate"));
    }

    public String onboardingRule() {
        return root.path("onboardingRule").asText();
    }

    public ReviewPolicy reviewPolicy() {
        JsonNode review = root.path("review");
        JsonNode creditLimit = review.path("creditLimit");
        return new ReviewPolicy(
                decimal(review.path("maxBelowCataloguePercent")),
                decimal(review.path("maxDiscountPercent")),
                decimal(review.path("newCustomerInvoiceLimit")),
                creditLimit.isNumber() ? Optional.of(decimal(creditLimit)) : Optional.empty(),
                review.path("holdOnOverdue").asBoolean(),
                decimal(review.path("fullTaxInvoiceThreshold")),
                root.path("organisation").path("homeCurrency").asText("ZAR"));
    }

    /** Reads a number at two decimal places at least, so 15 and 15.00 read alike and print without an exponent. */
    private static BigDecimal decimal(JsonNode value) {
        BigDecimal number = value.decimalValue();
        return number.setScale(Math.max(2, number.stripTrailingZeros().scale()), java.math.RoundingMode.UNNECESSARY);
    }

    private JsonNode invoice() {
        return root.path("invoice");
    }

    /** Names the key and the fix: the schema's description of the key, or the validator's message. */
    private static String describe(Error error) {
        List<String> path = new ArrayList<>();
        for (int i = 0; i < error.getInstanceLocation().getNameCount(); i++) {
            path.add(String.valueOf(error.getInstanceLocation().getElement(i)));
        }
        if (error.getProperty() != null && "required".equals(error.getKeyword())) {
            path.add(error.getProperty());
        }
        if (error.getProperty() != null && "additionalProperties".equals(error.getKeyword())) {
            return "key " + keyName(path, error.getProperty()) + " is unknown; remove it or check its spelling"
                    + " against docs/configuration.md";
        }
        String key = path.isEmpty() ? "(top level)" : String.join(".", path);
        String fix = fixFor(path).orElse(error.getMessage());
        String problem = "required".equals(error.getKeyword()) ? "is missing" : "is invalid";
        return "key " + key + " " + problem + "; " + fix;
    }

    private static String keyName(List<String> path, String property) {
        return path.isEmpty() ? property : String.join(".", path) + "." + property;
    }

    /** Finds the schema description of the key at {@code path}, following {@code $ref}s into {@code $defs}. */
    private static Optional<String> fixFor(List<String> path) {
        JsonNode node = SCHEMA_NODE;
        for (String segment : path) {
            JsonNode next = node.path("properties").path(segment);
            if (next.isMissingNode()) {
                next = node.path("additionalProperties");
            }
            if (next.isMissingNode() || !next.isObject()) {
                return Optional.empty();
            }
            node = resolve(next);
        }
        return node.hasNonNull("description") ? Optional.of(node.get("description").asText()) : Optional.empty();
    }

    private static JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/$defs/") ? SCHEMA_NODE.path("$defs").path(ref.substring("#/$defs/".length())) : node;
    }

    private static JsonNode readResource(String name) {
        try (InputStream in = ConfigFile.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + name + " is missing from the shared module's jar");
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read resource " + name, e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
