package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.event.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;
import dev.herald.event.TypePattern;

/**
 * AWS event-ruler standing in for {@link SubscriptionIndex} and {@link ContentFilter} together: every
 * subscription is one rule in one machine, its type patterns a rule on the event's {@code type}
 * beside its filter. Test scope only, for {@link MatchingComparison} and
 * {@link EventRulerSemanticsTest}.
 *
 * <p>Type patterns become: {@code order.created} an exact value, {@code order.*} a prefix,
 * {@code *} and any other star a wildcard (runs of stars collapsed: event-ruler refuses {@code **}).
 */
final class RulerMatcher {

    private final Machine machine = new Machine();
    private final Map<String, Subscription> byId = new HashMap<>();

    /** {@code filters}: each subscription's filter as written (by id; absent: no filter). */
    RulerMatcher(List<Subscription> subscriptions, Map<String, JsonNode> filters) {
        for (Subscription s : subscriptions) {
            byId.put(s.id(), s);
            try {
                machine.addRule(s.id(), Json.MAPPER.writeValueAsString(rule(s.types(), filters.get(s.id()))));
            } catch (IOException e) {
                throw new IllegalArgumentException(s.id() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The subscriptions whose rule matches the event (a CloudEvent, type included), each once. */
    List<Subscription> match(JsonNode event) {
        List<String> ids = machine.rulesForJSONEvent(event);
        List<Subscription> out = new ArrayList<>(ids.size());
        for (String id : ids) out.add(byId.get(id));
        return out;
    }

    static ObjectNode rule(List<TypePattern> types, JsonNode filter) {
        ObjectNode rule = filter == null ? JsonNodeFactory.instance.objectNode() : filter.deepCopy();
        // One machine rule cannot hold two conditions on one field: a filter on `type` would be lost.
        if (rule.has("type")) {
            throw new UnsupportedOperationException("a filter on 'type' cannot be combined with the type patterns in one event-ruler rule");
        }
        ArrayNode matchers = rule.putArray("type");
        for (TypePattern p : types) {
            if (p.isExact()) matchers.add(p.text());
            else if (p.isPrefix() && !p.prefix().isEmpty()) matchers.addObject().put("prefix", p.prefix());
            else matchers.addObject().put("wildcard", p.text().replaceAll("\\*+", "*"));
        }
        return rule;
    }
}
