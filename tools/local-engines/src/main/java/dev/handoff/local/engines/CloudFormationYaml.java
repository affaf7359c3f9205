package dev.handoff.local.engines;

import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads CloudFormation YAML. Standard YAML types load as SnakeYAML's safe constructor loads them, and every
 * node with a local tag ({@code !Ref}, {@code !GetAtt}, {@code !Sub}, {@code !If}, ...) loads as an
 * {@link Intrinsic}.
 */
final class CloudFormationYaml {

    private CloudFormationYaml() {
    }

    static Map<String, Object> load(String yaml) {
        Object document = new Yaml(new IntrinsicConstructor()).load(yaml);
        if (!(document instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("Invalid template: the document is not a YAML mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) map;
        return root;
    }

    private static final class IntrinsicConstructor extends SafeConstructor {

        IntrinsicConstructor() {
            super(new LoaderOptions());
            ConstructIntrinsic construct = new ConstructIntrinsic();
            yamlMultiConstructors.put("!", construct);
        }

        private final class ConstructIntrinsic extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String function = node.getTag().getValue().substring(1);
                if (node instanceof ScalarNode scalar) {
                    return new Intrinsic(function, constructScalar(scalar));
                }
                if (node instanceof SequenceNode sequence) {
                    return new Intrinsic(function, constructSequence(sequence));
                }
                return new Intrinsic(function, constructMapping((MappingNode) node));
            }
        }
    }
}
