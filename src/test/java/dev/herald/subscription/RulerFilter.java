package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import java.io.IOException;
import software.amazon.event.ruler.Machine;

/**
 * AWS event-ruler standing in for {@link ContentFilter}: one subscription's filter as a machine
 * holding that one rule. Test scope only — it exists so {@link MatchingComparison} and
 * {@link EventRulerSemanticsTest} can measure and check the library against Herald's own filter
 * (docs/architecture.md, "Libraries tried").
 */
final class RulerFilter {

    private final Machine machine = new Machine();

    private RulerFilter() {}

    /** The filter's JSON, as event-ruler reads it; its compile errors are passed on as they are. */
    static RulerFilter compile(JsonNode filter) {
        RulerFilter f = new RulerFilter();
        try {
            f.machine.addRule("filter", Json.MAPPER.writeValueAsString(filter));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return f;
    }

    boolean matches(JsonNode event) {
        // rulesForJSONEvent, not rulesForEvent: only it keeps fields of different array elements apart.
        return !machine.rulesForJSONEvent(event).isEmpty();
    }
}
