package dev.handoff.local.reviews;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;

/**
 * Signs ops requests with AWS Signature Version 4 for the {@code execute-api} service, so API Gateway's IAM
 * authoriser accepts them and records the caller's IAM identity as the reviewer.
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html">AWS Signature Version 4</a>
 */
public final class SigV4Signer implements ReviewsApi.RequestSigner {

    /** Headers that java.net.http sets itself and refuses to take from the caller. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final String region;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public SigV4Signer(IdentityProvider<? extends AwsCredentialsIdentity> credentials, String region) {
        this.credentials = credentials;
        this.region = region;
    }

    /**
     * Returns the region of an API Gateway URL such as {@code https://abc123.execute-api.af-south-1.amazonaws.com}.
     *
     * @throws IllegalArgumentException if the host is not an execute-api host
     */
    public static String regionOf(URI apiUrl) {
        String[] labels = apiUrl.getHost() == null ? new String[0] : apiUrl.getHost().split("\\.");
        for (int i = 0; i + 1 < labels.length; i++) {
            if (labels[i].equals("execute-api")) {
                return labels[i + 1];
            }
        }
        throw new IllegalArgumentException("Cannot tell the AWS region from " + apiUrl + "; give it with --region");
    }

    @Override
    public HttpRequest sign(HttpRequest.Builder request, String method, URI uri, byte[] body) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        if (body.length > 0) {
            unsigned.putHeader("content-type", List.of("application/json"));
        }
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        SignedRequest signed = signer.sign(sign -> sign
                .identity(identity)
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        signed.request().headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT)) && !name.equalsIgnoreCase("content-type")) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return request.build();
    }
}
