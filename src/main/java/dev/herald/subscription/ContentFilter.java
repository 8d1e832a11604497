package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A declarative content filter in the style of EventBridge event patterns, evaluated over the
 * CloudEvent (its attributes and {@code data}) without running any code.
 *
 * <pre>
 * data:
 *   country: [DE, FR]                    # one of these values
 *   total: [{numeric: [">=", 100]}]      # a numeric range
 *   sku: [{prefix: "EU-"}]               # also: suffix, anything-but (values, prefix, suffix), exists
 * $or:
 *   - subject: [{prefix: "vip-"}]
 *   - data: {priority: [high]}
 * </pre>
 * Fields are ANDed, the entries of a list are ORed; an array in the event matches when any element does.
 */
public final class ContentFilter {

    private interface Node {
        boolean test(JsonNode value);
    }

    private final Node root;
    private final String source;

    private ContentFilter(Node root, String source) {
        this.root = root;
        this.source = source;
    }

    /** Compiles a filter; errors name the path inside the filter and say what to write. */
    public static ContentFilter compile(JsonNode filter) {
        if (filter == null || !filter.isObject()) {
            throw new IllegalArgumentException("filter must be a map of fields to lists of values or matchers");
        }
        return new ContentFilter(object(filter, "filter"), filter.toString());
    }

    public boolean matches(JsonNode event) {
        return root.test(event);
    }

    @Override
    public String toString() {
        return source;
    }

    private static Node object(JsonNode spec, String path) {
        List<Node> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            JsonNode v = e.getValue();
            String at = path + "." + field;
            if (field.equals("$or")) {
                if (!v.isArray() || v.isEmpty()) {
                    throw new IllegalArgumentException(at + ": $or takes a list of filters");
                }
                List<Node> any = new ArrayList<>();
                for (int i = 0; i < v.size(); i++) {
                    if (!v.get(i).isObject()) throw new IllegalArgumentException(at + "[" + i + "]: each $or entry must be a filter map");
                    any.add(object(v.get(i), at + "[" + i + "]"));
                }
                all.add(value -> any.stream().anyMatch(n -> n.test(value)));
            } else if (v.isObject()) {
                Node child = object(v, at);
                all.add(value -> value != null && value.isObject() && child.test(value.get(field)));
            } else if (v.isArray()) {
                Node leaf = matchers(v, at);
                all.add(value -> leaf.test(value == null ? null : value.get(field)));
            } else {
                throw new IllegalArgumentException(at + ": write a list of values or matchers, such as [" + v + "]");
            }
        }
        return value -> all.stream().allMatch(n -> n.test(value));
    }

    /** A list of alternatives for one field. */
    private static Node matchers(JsonNode list, String path) {
        if (list.isEmpty()) throw new IllegalArgumentException(path + ": the list is empty, so nothing could match");
        List<Node> any = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String at = path + "[" + i + "]";
            if (m.isObject() && m.size() == 1 && m.has("exists")) {
                if (!m.get("exists").isBoolean()) throw new IllegalArgumentException(at + ": exists takes true or false");
                boolean want = m.get("exists").asBoolean();
                any.add(value -> (value != null && !value.isMissingNode()) == want);
            } else {
                Node scalar = scalarMatcher(m, at);
                any.add(value -> {
                    if (value == null || value.isMissingNode()) return false;
                    if (value.isArray()) {
                        for (JsonNode el : value) if (scalar.test(el)) return true;
                        return false;
                    }
                    return scalar.test(value);
                });
            }
        }
        return value -> any.stream().anyMatch(n -> n.test(value));
    }

    private static Node scalarMatcher(JsonNode m, String at) {
        if (m.isValueNode()) {
            return value -> equalsScalar(m, value);
        }
        if (!m.isObject() || m.size() != 1) {
            throw new IllegalArgumentException(at + ": a matcher is a value or one of {prefix}, {suffix}, {anything-but}, {numeric}, {exists}");
        }
        String op = m.fieldNames().next();
        JsonNode arg = m.get(op);
        switch (op) {
            case "prefix" -> {
                String p = requireText(arg, at + ".prefix");
                return value -> value.isTextual() && value.asText().startsWith(p);
            }
            case "suffix" -> {
                String s = requireText(arg, at + ".suffix");
                return value -> value.isTextual() && value.asText().endsWith(s);
            }
            case "anything-but" -> {
                if (arg.isObject() && arg.size() == 1 && (arg.has("prefix") || arg.has("suffix"))) {
                    // {anything-but: {prefix: "test-"}}: text that does not start (end) so.
                    Node inner = scalarMatcher(arg, at + ".anything-but");
                    return value -> value.isTextual() && !inner.test(value);
                }
                List<JsonNode> excluded = new ArrayList<>();
                if (arg.isArray()) arg.forEach(excluded::add);
                else if (arg.isValueNode()) excluded.add(arg);
                else throw new IllegalArgumentException(at + ".anything-but: write a value, a list of values, {prefix: ...} or {suffix: ...}");
                return value -> value.isValueNode() && excluded.stream().noneMatch(x -> equalsScalar(x, value));
            }
            case "numeric" -> {
                return numeric(arg, at + ".numeric");
            }
            default -> throw new IllegalArgumentException(at + ": unknown matcher '" + op
                    + "'; use prefix, suffix, anything-but, numeric or exists");
        }
    }

    private static Node numeric(JsonNode arg, String at) {
        if (!arg.isArray() || arg.isEmpty() || arg.size() % 2 != 0 || arg.size() > 4) {
            throw new IllegalArgumentException(at + ": write one or two comparisons, such as [\">\", 0, \"<=\", 100]");
        }
        List<Node> all = new ArrayList<>();
        for (int i = 0; i < arg.size(); i += 2) {
            String op = arg.get(i).asText();
            JsonNode n = arg.get(i + 1);
            if (!n.isNumber()) throw new IllegalArgumentException(at + "[" + (i + 1) + "]: '" + n + "' is not a number");
            double bound = n.asDouble();
            java.util.function.DoublePredicate p = switch (op) {
                case ">" -> x -> x > bound;
                case ">=" -> x -> x >= bound;
                case "<" -> x -> x < bound;
                case "<=" -> x -> x <= bound;
                case "=" -> x -> x == bound;
                default -> throw new IllegalArgumentException(at + "[" + i + "]: '" + op + "' is not a comparison; use >, >=, <, <= or =");
            };
            all.add(value -> value.isNumber() && p.test(value.asDouble()));
        }
        return value -> all.stream().allMatch(n -> n.test(value));
    }

    private static boolean equalsScalar(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) return expected.asDouble() == actual.asDouble();
        if (expected.isNull()) return actual.isNull();
        return expected.getNodeType() == actual.getNodeType() && expected.asText().equals(actual.asText());
    }

    private static String requireText(JsonNode n, String at) {
        if (!n.isTextual()) throw new IllegalArgumentException(at + ": write a string");
        return n.asText();
    }
}
