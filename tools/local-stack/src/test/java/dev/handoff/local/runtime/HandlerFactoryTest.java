package dev.handoff.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.handoff.local.engines.FunctionDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerFactoryTest {

    private static FunctionDefinition function(String handler) {
        return new FunctionDefinition("TestFunction", "tools/local-stack", handler, 3, 128, Map.of(), List.of(), List.of());
    }

    @Test
    void mapConstructorReceivesEnvironment() {
        LocalFunction function = HandlerFactory.create(function("dev.handoff.local.runtime.EchoHandler::handleRequest"),
                Map.of("GREETING", "hi"), getClass().getClassLoader());

        assertThat(function.inputType()).isEqualTo(APIGatewayV2HTTPEvent.class);
        assertThat(function.name()).isEqualTo("TestFunction");
    }

    @Test
    void noArgConstructorIsFallback() {
        LocalFunction function = HandlerFactory.create(function("dev.handoff.local.runtime.ThrowingSqsHandler::handleRequest"),
                Map.of(), getClass().getClassLoader());

        assertThat(function.inputType()).isEqualTo(SQSEvent.class);
        SQSEvent empty = new SQSEvent();
        empty.setRecords(List.of());
        assertThat(function.invoke(empty, 0)).isNull();
        assertThat(function.metrics().snapshot().invocations()).isEqualTo(1);
    }

    @Test
    void wrongEventTypeIsRejected() {
        LocalFunction function = HandlerFactory.create(function("dev.handoff.local.runtime.ThrowingSqsHandler::handleRequest"),
                Map.of(), getClass().getClassLoader());

        assertThatThrownBy(() -> function.invoke(new APIGatewayV2HTTPEvent(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SQSEvent");
    }

    @Test
    void missingClassIsReported() {
        assertThatThrownBy(() -> HandlerFactory.create(function("dev.handoff.Missing::handleRequest"), Map.of(),
                getClass().getClassLoader()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dev.handoff.Missing")
                .hasMessageContaining("not found");
    }

    @Test
    void otherMethodIsRejected() {
        assertThatThrownBy(() -> HandlerFactory.create(function("dev.handoff.local.runtime.EchoHandler::other"), Map.of(),
                getClass().getClassLoader()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("handleRequest");
    }

    @Test
    void nonHandlerClassIsRejected() {
        assertThatThrownBy(() -> HandlerFactory.create(function("java.lang.String::handleRequest"), Map.of(),
                getClass().getClassLoader()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RequestHandler");
    }
}
