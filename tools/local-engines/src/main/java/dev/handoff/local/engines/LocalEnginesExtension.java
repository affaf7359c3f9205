package dev.handoff.local.engines;

import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * JUnit 5 extension that gives tests the repository's tables and queues in real local engines.
 *
 * <p>The first test class that uses the extension starts one {@link DynaliteServer} and one
 * {@link ElasticMqServer}. Every later class in the same JVM shares them, and JUnit closes them when the
 * whole run ends. Each test class gets its own copy of every table and queue in {@code template.yaml}, under a
 * random stack name such as {@code t3f9a02c1}, so classes never see each other's data. Tests within one class
 * share that copy.
 *
 * <p>Test constructors, lifecycle methods and test methods may declare parameters of these types:
 * <ul>
 *   <li>{@link DynamoDbClient} and {@link SqsClient}, connected to the engines;</li>
 *   <li>{@link ProvisionedResources}, with the class's table names and queue URLs by logical id;</li>
 *   <li>{@link SamTemplate}, the template read for the class's stack name.</li>
 * </ul>
 *
 * <pre>{@code
 * @ExtendWith(LocalEnginesExtension.class)
 * class LedgerTest {
 *     @Test
 *     void recordsDelivery(DynamoDbClient dynamoDb, ProvisionedResources resources) {
 *         Ledger ledger = new Ledger(dynamoDb, resources.tableName("LedgerTable"));
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>dynalite must be installed first with {@code cd tools && npm ci --ignore-scripts}.
 */
public final class LocalEnginesExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalEnginesExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        classResources(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == DynamoDbClient.class || type == SqsClient.class
                || type == ProvisionedResources.class || type == SamTemplate.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (type == DynamoDbClient.class) {
            return engines(extensionContext).dynamoDb;
        }
        if (type == SqsClient.class) {
            return engines(extensionContext).sqs;
        }
        ClassResources resources = classResources(extensionContext);
        return type == SamTemplate.class ? resources.template : resources.provisioned;
    }

    private static Engines engines(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Engines.class, key -> new Engines(), Engines.class);
    }

    private static ClassResources classResources(ExtensionContext context) {
        Engines engines = engines(context);
        ExtensionContext classContext = classContext(context);
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(ClassResources.class, key -> {
            String stackName = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
            SamTemplate template = SamTemplate.read(RepositoryRoot.template(), stackName);
            return new ClassResources(template, LocalResources.create(template, engines.dynamoDb, engines.sqs));
        }, ClassResources.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    /** The engines and their clients, shared by every test class in the JVM and closed by JUnit at the end. */
    private static final class Engines implements AutoCloseable {
        private final DynaliteServer dynalite;
        private final ElasticMqServer elasticMq;
        private final DynamoDbClient dynamoDb;
        private final SqsClient sqs;

        Engines() {
            this.dynalite = DynaliteServer.start();
            try {
                this.elasticMq = ElasticMqServer.start();
            } catch (RuntimeException e) {
                dynalite.close();
                throw e;
            }
            this.dynamoDb = AwsClients.dynamoDb(dynalite.endpoint());
            this.sqs = AwsClients.sqs(elasticMq.endpoint());
        }

        @Override
        public void close() {
            dynamoDb.close();
            sqs.close();
            elasticMq.close();
            dynalite.close();
        }
    }

    private record ClassResources(SamTemplate template, ProvisionedResources provisioned) {
    }
}
