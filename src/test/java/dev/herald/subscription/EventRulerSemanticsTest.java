package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.event.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import dev.herald.event.TypePattern;

/**
 * Where AWS event-ruler 1.8.1 and Herald's matching agree and where they do not, case by case
 * (ContentFilterTest's cases and the edges found beside them). Herald's answer is computed, not
 * written down; event-ruler's is pinned only where it differs, so a library update that changes
 * any of these fails here and docs/architecture.md ("Libraries tried") is looked at again.
 */
class EventRulerSemanticsTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** ContentFilterTest's event, plus an array of objects, an empty array, a nested array, a nested object. */
    static final JsonNode EVENT = Json.tree("""
            {"type": "order.created", "subject": "vip-42",
             "data": {"total": 1250.5, "country": "DE", "sku": "EU-778", "tags": ["gift", "express"],
                      "customer": {"tier": "gold"}, "coupon": null,
                      "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 5}], "empty": [], "nested": [["x"]],
                      "a.b": "dotted"}}""");

    static final List<String> SAME = List.of(
            // ContentFilterTest
            "data: {country: [DE, FR]}", "data: {country: [FR]}", "data: {country: [DE], sku: [EU-778]}",
            "data: {country: [DE], sku: [US-1]}", "data: {customer: {tier: [gold]}}", "type: [order.created]",
            "data: {sku: [{prefix: EU-}]}", "data: {sku: [{suffix: '-778'}]}", "data: {sku: [{prefix: US-}]}",
            "data: {country: [{anything-but: [FR, IT]}]}", "data: {country: [{anything-but: DE}]}",
            "data: {sku: [{anything-but: {prefix: US-}}]}", "data: {sku: [{anything-but: {suffix: '-778'}}]}",
            "data: {total: [{numeric: ['>=', 1000]}]}", "data: {total: [{numeric: ['>', 0, '<', 1000]}]}",
            "data: {total: [1250.5]}", "data: {country: [{numeric: ['>', 0]}]}", "data: {coupon: [{exists: true}]}",
            "data: {voucher: [{exists: false}]}", "data: {voucher: [{exists: true}]}", "data: {coupon: [null]}",
            "data: {tags: [express]}", "data: {tags: [same-day]}",
            "$or: [{subject: [{prefix: 'vip-'}]}, {data: {country: [FR]}}]",
            "$or: [{subject: [{prefix: 'std-'}]}, {data: {country: [FR]}}]",
            "data: {absent: [x]}", "data: {absent: [{prefix: x}]}", "data: {absent: [{suffix: x}]}",
            "data: {absent: [{anything-but: x}]}", "data: {absent: [{numeric: ['>', 0]}]}", "data: {absent: [{exists: true}]}",
            "data: {absent: [null]}", "data: {absent: [{exists: false}]}", "nothing: {deeper: [x]}",
            "data: {total: [{prefix: '1'}]}", "data: {total: [{suffix: '5'}]}", "data: {total: ['1250.5']}",
            "data: {customer: [gold]}", "data: {customer: {tier: [{anything-but: silver}]}}",
            "data: {customer: [{anything-but: silver}]}", "data: {coupon: [{anything-but: x}]}",
            // beside them
            "data: {total: [1250.50]}", "data: {total: [{numeric: ['=', 1250.5]}]}", "data: {a.b: [dotted]}",
            "data: {lines: {sku: [A], qty: [5]}}");

    /** Filter → event-ruler's answer where it is not Herald's ("refused": it will not compile the filter). */
    static final Map<String, String> DIFFERENT = Map.ofEntries(
            // Herald: anything-but a prefix matches text only; event-ruler: a number is "anything but".
            Map.entry("data: {total: [{anything-but: {prefix: '1'}}]}", "true"),
            // exists looks at leaves only in event-ruler: an object or an empty array does not exist.
            Map.entry("data: {customer: [{exists: true}]}", "false"),
            Map.entry("data: {customer: [{exists: false}]}", "true"),
            Map.entry("data: {empty: [{exists: false}]}", "true"),
            // event-ruler looks into arrays of objects and arrays of arrays; Herald only into arrays of values.
            Map.entry("data: {lines: {sku: [A]}}", "true"),
            Map.entry("data: {nested: [x]}", "true"),
            // event-ruler joins keys with dots, so a nested rule finds a dotted key.
            Map.entry("data: {a: {b: [dotted]}}", "true"),
            // Filters Herald takes and event-ruler refuses.
            Map.entry("$or: [{subject: [{prefix: 'vip-'}]}]", "refused"),
            Map.entry("{}", "refused"),
            Map.entry("data: {total: [{numeric: ['>', 0, '>', 1000]}]}", "refused"),
            Map.entry("data: {country: [{anything-but: [FR, 3]}]}", "refused"));

    @Test
    void theCasesWhereBothAgree() throws Exception {
        for (String filter : SAME) {
            assertThat(ruler(filter)).as(filter).isEqualTo(herald(filter));
        }
    }

    @Test
    void theCasesWhereTheyDiffer() throws Exception {
        for (Map.Entry<String, String> c : DIFFERENT.entrySet()) {
            assertThat(herald(c.getKey())).as("Herald, " + c.getKey()).isNotEqualTo(c.getValue());
            assertThat(ruler(c.getKey())).as("event-ruler, " + c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void eventRulersErrorsNameNoPathInTheFilterAndNoFix() {
        // Herald's own (ContentFilterTest): "filter.data.country: write a list of values or matchers, such as ["DE"]".
        assertThat(rulerError("data: {country: DE}")).startsWith("\"country\" must be an object or an array")
                .contains("line: 1, column: 21").doesNotContain("filter.data");
        assertThat(rulerError("data: {total: [{numeric: ['~', 3]}]}")).startsWith("Unrecognized numeric range operator: ~");
        assertThat(rulerError("data: {sku: [{contains: x}]}")).startsWith("Unrecognized match type contains");
        assertThat(rulerError("data: {sku: []}")).startsWith("Empty arrays are not allowed");
        // A single $or entry: the compiler's message is about something else.
        assertThat(rulerError("$or: [{subject: [{prefix: 'vip-'}]}]")).startsWith("Unrecognized match type subject");
    }

    @Test
    void typePatternsAsOneMachineFindWhatHeraldsPatternsFind() {
        Random random = new Random(42);
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) subs.add(sub("s" + i, SubscriptionIndexTest.randomPattern(random)));
        RulerMatcher machine = new RulerMatcher(subs, Map.of());
        for (int i = 0; i < 300; i++) {
            String type = SubscriptionIndexTest.randomType(random);
            Set<String> herald = subs.stream().filter(s -> s.types().get(0).matches(type)).map(Subscription::id).collect(Collectors.toSet());
            Set<String> ruler = machine.match(event(type)).stream().map(Subscription::id).collect(Collectors.toSet());
            assertThat(ruler).as(type).isEqualTo(herald);
        }
    }

    @Test
    void aStarThatEndsAWordMatchesNothingInHeraldAndTheEmptyStringInEventRuler() {
        assertThat(new TypePattern("user*").matches("user")).isFalse();
        assertThat(new RulerMatcher(List.of(sub("s", "user*")), Map.of()).match(event("user"))).hasSize(1);
    }

    @Test
    void aSubscriptionWithSeveralMatchingPatternsIsFoundOnce() {
        Subscription s = new Subscription("multi", null, List.of(new TypePattern("order.*"), new TypePattern("order.created"),
                new TypePattern("*")), null, "webhook", null, List.of(), Map.of(), null, null, RetrySchedule.parse("0s", 0), false);
        assertThat(new RulerMatcher(List.of(s), Map.of()).match(event("order.created"))).hasSize(1);
    }

    @Test
    void aFilterOnTheTypeCannotJoinTheTypePatternsInOneRule() {
        assertThatThrownBy(() -> new RulerMatcher(List.of(sub("s", "order.*")), Map.of("s", Json.tree("{\"type\": [\"order.created\"]}"))))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    static String herald(String yaml) throws Exception {
        try {
            return String.valueOf(ContentFilter.compile(YAML.readTree(yaml)).matches(EVENT));
        } catch (IllegalArgumentException e) {
            return "refused";
        }
    }

    static String ruler(String yaml) throws Exception {
        try {
            return String.valueOf(RulerFilter.compile(YAML.readTree(yaml)).matches(EVENT));
        } catch (IllegalArgumentException e) {
            return "refused";
        }
    }

    static String rulerError(String yaml) {
        try {
            RulerFilter.compile(YAML.readTree(yaml));
            return null;
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    static JsonNode event(String type) {
        return Json.MAPPER.createObjectNode().put("type", type);
    }

    static Subscription sub(String id, String pattern) {
        return SubscriptionIndexTest.sub(id, pattern);
    }
}
