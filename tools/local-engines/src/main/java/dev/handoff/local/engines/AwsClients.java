package dev.handoff.local.engines;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds AWS SDK clients that talk to the local engines with dummy credentials. */
public final class AwsClients {

    /** Region of every local client and of the queue ARNs. */
    public static final String REGION = "af-south-1";
    /** Account id in local queue URLs and ARNs. */
    public static final String ACCOUNT_ID = "000000000000";
    /** Access key id the local engines accept; it grants nothing anywhere else. */
    public static final String ACCESS_KEY_ID = "local";
    /** Secret access key the local engines accept; it grants nothing anywhere else. */
    public static final String SECRET_ACCESS_KEY = "local";

    private AwsClients() {
    }

    /** Builds a DynamoDB client for {@code endpoint}, for example {@link DynaliteServer#endpoint()}. */
    public static DynamoDbClient dynamoDb(URI endpoint) {
        return DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .endpointOverride(endpoint)
                .build();
    }

    /** Builds an SQS client for {@code endpoint}, for example {@link ElasticMqServer#endpoint()}. */
    public static SqsClient sqs(URI endpoint) {
        return SqsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .endpointOverride(endpoint)
                .build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }
}
