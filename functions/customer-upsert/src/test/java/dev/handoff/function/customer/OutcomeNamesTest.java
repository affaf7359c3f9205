package dev.handoff.function.customer;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.handoff.service.CustomerUpsertService;
import dev.handoff.service.DealChangeService;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The handler reports each service outcome under its own name, so every name must have a handler outcome. */
class OutcomeNamesTest {

    @Test
    void everyServiceOutcomeHasHandlerOutcome() {
        Stream.concat(Arrays.stream(CustomerUpsertService.Outcome.values()), Arrays.stream(DealChangeService.Outcome.values()))
                .map(Enum::name)
                .forEach(name -> assertThatCode(() -> CustomerUpsertHandler.Outcome.valueOf(name))
                        .as("handler outcome for %s", name)
                        .doesNotThrowAnyException());
    }
}
