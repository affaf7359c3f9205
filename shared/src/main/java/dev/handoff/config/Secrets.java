package dev.handoff.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.error.ConfigurationException;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * API tokens and webhook signing keys. In AWS they come from one Secrets Manager secret (a JSON object
 * named by {@code HANDOFF_SECRET_ID}), read once per function instance. On the local stack, where
 * {@code HANDOFF_SECRET_ID} is empty, they come from environment variables of the same names.
 * {@link #toString()} never shows a value.
 */
public final class Secrets {

    public static final String HUBSPOT_ACCESS_TOKEN = "HUBSPOT_ACCESS_TOKEN";
    public static final String HUBSPOT_CLIENT_SECRET = "HUBSPOT_CLIENT_SECRET";
    /** OAuth app id. With {@link #HUBSPOT_REFRESH_TOKEN}, it is used in place of {@link #HUBSPOT_ACCESS_TOKEN}. */
    public static final String HUBSPOT_CLIENT_ID = "HUBSPOT_CLIENT_ID";
    public static final String HUBSPOT_REFRESH_TOKEN = "HUBSPOT_REFRESH_TOKEN";
    public static final String XERO_ACCESS_TOKEN = "XERO_ACCESS_TOKEN";
    public static final String XERO_WEBHOOK_KEY = "XERO_WEBHOOK_KEY";
    public static final String XERO_CLIENT_ID = "XERO_CLIENT_ID";
    public static final String XERO_CLIENT_SECRET = "XERO_CLIENT_SECRET";
    /** First refresh token, stored in the ledger only if the tenant has no token record yet. */
    public static final String XERO_REFRESH_TOKEN = "XERO_REFRESH_TOKEN";

    private final Map<String, String> values;

    private Secrets(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Secrets load(HandoffConfig config, Supplier<SecretsManagerClient> secretsManager) {
        if (config.secretId().isEmpty()) {
            return fromEnvironment(config);
        }
        String secretId = config.secretId().get();
        try (SecretsManagerClient client = secretsManager.get()) {
            String json = client.getSecretValue(request -> request.secretId(secretId)).secretString();
            return fromJson(json, secretId);
        }
    }

    static Secrets fromEnvironment(HandoffConfig config) {
        var values = new java.util.HashMap<String, String>();
        for (String name : new String[] {HUBSPOT_ACCESS_TOKEN, HUBSPOT_CLIENT_SECRET, HUBSPOT_CLIENT_ID,
                HUBSPOT_REFRESH_TOKEN, XERO_ACCESS_TOKEN, XERO_WEBHOOK_KEY, XERO_CLIENT_ID, XERO_CLIENT_SECRET,
                XERO_REFRESH_TOKEN}) {
            config.optional(name).ifPresent(value -> values.put(name, value));
        }
        return new Secrets(values);
    }

    static Secrets fromJson(String json, String secretId) {
        try {
            JsonNode node = new ObjectMapper().readTree(json);
            if (node == null || !node.isObject()) {
                throw new ConfigurationException("Secret " + secretId + " is not a JSON object");
            }
            var values = new java.util.HashMap<String, String>();
            node.fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue().asText()));
            return new Secrets(values);
        } catch (IOException e) {
            throw new ConfigurationException("Secret " + secretId + " is not valid JSON", e);
        }
    }

    public static Secrets of(Map<String, String> values) {
        return new Secrets(values);
    }

    /** Returns whether the secret has a non-blank value for {@code name}. */
    public boolean has(String name) {
        return optional(name).isPresent();
    }

    /** Returns the value, or empty if the secret has no such key or it is blank. */
    public java.util.Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(value);
    }

    public String require(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("Secret " + name + " is missing; add it to the secret named by "
                    + "HANDOFF_SECRET_ID (or, on the local stack, to the environment)");
        }
        return value;
    }

    @Override
    public String toString() {
        return "Secrets" + values.keySet();
    }
}
