package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.yaml.Problems;
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

    /** Compiles a filter. @throws IllegalArgumentException listing every problem, each naming its path in the filter */
    public static ContentFilter compile(JsonNode filter) {
        Problems problems = new Problems();
        ContentFilter f = compile(filter, problems);
        if (f == null) {
            throw new IllegalArgumentException(String.join("\n", problems.all().stream().map(Problems.Problem::toString).toList()));
        }
        return f;
    }

    /** Compiles a filter, or returns null with every problem added to {@code problems} (which stand at the filter). */
    public static ContentFilter compile(JsonNode filter, Problems problems) {
        if (filter == null || !filter.isObject()) {
            problems.add("filter is not a map", "write fields with lists of values or matchers, such as filter: {data: {country: [DE]}}");
            return null;
        }
        int before = problems.size();
        Node root = object(filter, "filter", problems);
        return problems.size() == before ? new ContentFilter(root, filter.toString()) : null;
    }

    public boolean matches(JsonNode event) {
        return root.test(event);
    }

    @Override
    public String toString() {
        return source;
    }

    /** What a part with a problem compiles to; the filter is not used, the other parts are still checked. */
    private static final Node NOTHING = value -> false;

    private static Node object(JsonNode spec, String path, Problems problems) {
        List<Node> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            JsonNode v = e.getValue();
            String at = path + "." + field;
            Problems here = problems.at(field);
            if (field.equals("$or")) {
                all.add(or(v, at, here));
            } else if (v.isObject()) {
                Node child = object(v, at, here);
                all.add(value -> value != null && value.isObject() && child.test(value.get(field)));
            } else if (v.isArray()) {
                Node leaf = matchers(v, at, here);
                all.add(value -> leaf.test(value == null ? null : value.get(field)));
            } else {
                here.add(at + " is a single value", "write a list of values or matchers, such as [" + v + "]");
            }
        }
        return value -> all.stream().allMatch(n -> n.test(value));
    }

    private static Node or(JsonNode v, String at, Problems problems) {
        if (!v.isArray() || v.isEmpty()) {
            problems.add(at + " is not a list of filters", "write $or: [{subject: [{prefix: \"vip-\"}]}, {data: {priority: [high]}}]");
            return NOTHING;
        }
        List<Node> any = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i).isObject()) {
                any.add(object(v.get(i), at + "[" + i + "]", problems.at(i)));
            } else {
                problems.at(i).add(at + "[" + i + "] is not a filter map", "write each $or entry as a map, such as {data: {priority: [high]}}");
            }
        }
        return value -> any.stream().anyMatch(n -> n.test(value));
    }

    /** A list of alternatives for one field. */
    private static Node matchers(JsonNode list, String path, Problems problems) {
        if (list.isEmpty()) {
            problems.add(path + ": the list is empty, so nothing could match", "list at least one value or matcher");
            return NOTHING;
        }
        List<Node> any = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String at = path + "[" + i + "]";
            if (m.isObject() && m.size() == 1 && m.has("exists")) {
                if (!m.get("exists").isBoolean()) {
                    problems.at(i).at("exists").add(at + ".exists is not true or false", "write {exists: true} or {exists: false}");
                    continue;
                }
                boolean want = m.get("exists").asBoolean();
                any.add(value -> (value != null && !value.isMissingNode()) == want);
            } else {
                Node scalar = scalarMatcher(m, at, problems.at(i));
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

    private static Node scalarMatcher(JsonNode m, String at, Problems problems) {
        if (m.isValueNode()) {
            return value -> equalsScalar(m, value);
        }
        if (!m.isObject() || m.size() != 1) {
            problems.add(at + " is not a matcher", "write a value or one of {prefix}, {suffix}, {anything-but}, {numeric}, {exists}");
            return NOTHING;
        }
        String op = m.fieldNames().next();
        JsonNode arg = m.get(op);
        Problems here = problems.at(op);
        switch (op) {
            case "prefix" -> {
                String p = requireText(arg, at + ".prefix", here);
                return p == null ? NOTHING : value -> value.isTextual() && value.asText().startsWith(p);
            }
            case "suffix" -> {
                String s = requireText(arg, at + ".suffix", here);
                return s == null ? NOTHING : value -> value.isTextual() && value.asText().endsWith(s);
            }
            case "anything-but" -> {
                return anythingBut(arg, at + ".anything-but", here);
            }
            case "numeric" -> {
                return numeric(arg, at + ".numeric", here);
            }
            default -> {
                problems.addAtKey(at + ": unknown matcher '" + op + "'", "use prefix, suffix, anything-but, numeric or exists");
                return NOTHING;
            }
        }
    }

    private static Node anythingBut(JsonNode arg, String at, Problems problems) {
        if (arg.isObject() && arg.size() == 1 && (arg.has("prefix") || arg.has("suffix"))) {
            // {anything-but: {prefix: "test-"}}: text that does not start (end) so.
            Node inner = scalarMatcher(arg, at, problems);
            return value -> value.isTextual() && !inner.test(value);
        }
        List<JsonNode> excluded = new ArrayList<>();
        if (arg.isArray()) {
            arg.forEach(excluded::add);
        } else if (arg.isValueNode()) {
            excluded.add(arg);
        } else {
            problems.add(at + " is not a value, a list of values, {prefix} or {suffix}",
                    "write a value, a list of values, {prefix: ...} or {suffix: ...}");
            return NOTHING;
        }
        return value -> value.isValueNode() && excluded.stream().noneMatch(x -> equalsScalar(x, value));
    }

    private static Node numeric(JsonNode arg, String at, Problems problems) {
        if (!arg.isArray() || arg.isEmpty() || arg.size() % 2 != 0 || arg.size() > 4) {
            problems.add(at + " is not one or two comparisons", "write them as a list, such as [\">\", 0, \"<=\", 100]");
            return NOTHING;
        }
        List<Node> all = new ArrayList<>();
        for (int i = 0; i < arg.size(); i += 2) {
            String op = arg.get(i).asText();
            JsonNode n = arg.get(i + 1);
            if (!n.isNumber()) {
                problems.at(i + 1).add(at + "[" + (i + 1) + "]: '" + n.asText() + "' is not a number", "write a number, such as 100 (no quotes)");
                continue;
            }
            double bound = n.asDouble();
            java.util.function.DoublePredicate p = switch (op) {
                case ">" -> x -> x > bound;
                case ">=" -> x -> x >= bound;
                case "<" -> x -> x < bound;
                case "<=" -> x -> x <= bound;
                case "=" -> x -> x == bound;
                default -> null;
            };
            if (p == null) {
                problems.at(i).add(at + "[" + i + "]: '" + op + "' is not a comparison", "use >, >=, <, <= or =");
                continue;
            }
            all.add(value -> value.isNumber() && p.test(value.asDouble()));
        }
        return value -> all.stream().allMatch(n -> n.test(value));
    }

    private static boolean equalsScalar(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) return expected.asDouble() == actual.asDouble();
        if (expected.isNull()) return actual.isNull();
        return expected.getNodeType() == actual.getNodeType() && expected.asText().equals(actual.asText());
    }

    private static String requireText(JsonNode n, String at, Problems problems) {
        if (n.isTextual()) return n.asText();
        problems.add(at + " is not a string", "write one in quotes, such as {prefix: \"EU-\"}");
        return null;
    }
}
