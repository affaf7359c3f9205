package dev.handoff.aws;

import dev.handoff.config.HandoffConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Builds the AWS SDK clients a function needs, once per instance, from its environment: region from
 * {@code AWS_REGION}, optional endpoint overrides ({@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_SQS},
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}) for the local stack, and explicit HTTP timeouts.
 */
public final class AwsClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(20);

    private final HandoffConfig config;
    private final SdkHttpClient httpClient;

    public AwsClients(HandoffConfig config) {
        this.config = config;
        this.httpClient = UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .build();
    }

    public DynamoDbClient dynamoDb() {
        var builder = DynamoDbClient.builder()
                .httpClient(httpClient)
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(overrides());
        endpoint("AWS_ENDPOINT_URL_DYNAMODB").ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public SqsClient sqs() {
        var builder = SqsClient.builder()
                .httpClient(httpClient)
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(overrides());
        endpoint("AWS_ENDPOINT_URL_SQS").ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public SecretsManagerClient secretsManager() {
        var builder = SecretsManagerClient.builder()
                .httpClient(httpClient)
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(overrides());
        endpoint("AWS_ENDPOINT_URL_SECRETS_MANAGER").ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public SsmClient ssm() {
        var builder = SsmClient.builder()
                .httpClient(httpClient)
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(overrides());
        endpoint("AWS_ENDPOINT_URL_SSM").ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private Region region() {
        return Region.of(config.optional("AWS_REGION").orElse("af-south-1"));
    }

    /**
     * Uses the keys in the function's own environment when they are there (the local stack passes dummy keys
     * that way), else the default chain, which in Lambda reads the execution role's keys.
     */
    private AwsCredentialsProvider credentials() {
        Optional<String> keyId = config.optional("AWS_ACCESS_KEY_ID");
        Optional<String> secret = config.optional("AWS_SECRET_ACCESS_KEY");
        if (keyId.isPresent() && secret.isPresent() && config.optional("AWS_SESSION_TOKEN").isEmpty()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId.get(), secret.get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder().apiCallTimeout(API_CALL_TIMEOUT).build();
    }

    private Optional<URI> endpoint(String variable) {
        return config.optional(variable).map(URI::create);
    }
}
