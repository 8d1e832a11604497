package dev.herald.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * A YAML document as a Jackson tree plus where each node starts (line and column, 1-based), keyed
 * by the path JSON Schema validators report ({@code $[0].route.from.steps[1]}).
 */
final class YamlPositions {

    private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    final JsonNode tree;
    private final Map<String, int[]> positions = new HashMap<>();

    /** @throws org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException on a YAML syntax error, with its position */
    YamlPositions(String yaml) {
        LoadSettings settings = LoadSettings.builder().build();
        Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml)));
        Node root = composer.getSingleNode().orElse(null);
        tree = root == null ? JsonNodeFactory.instance.nullNode() : convert(root, "$");
    }

    /** Line and column of the node at {@code path}, or of its nearest ancestor; {1, 1} if none. */
    int[] at(String path) {
        for (String p = path; !p.isEmpty(); p = parent(p)) {
            int[] pos = positions.get(p);
            if (pos != null) return pos;
        }
        return new int[] {1, 1};
    }

    private static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut <= 0 ? "" : path.substring(0, cut);
    }

    private JsonNode convert(Node node, String path) {
        // A key's own position (recorded by its map) wins over its value's.
        node.getStartMark().ifPresent(m -> positions.putIfAbsent(path, new int[] {m.getLine() + 1, m.getColumn() + 1}));
        if (node instanceof MappingNode map) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (NodeTuple t : map.getValue()) {
                String key = ((ScalarNode) t.getKeyNode()).getValue();
                String child = SIMPLE_KEY.matcher(key).matches() ? path + "." + key : path + "['" + key + "']";
                t.getKeyNode().getStartMark().ifPresent(m -> positions.put(child, new int[] {m.getLine() + 1, m.getColumn() + 1}));
                out.set(key, convert(t.getValueNode(), child));
            }
            return out;
        }
        if (node instanceof SequenceNode seq) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            int i = 0;
            for (Node item : seq.getValue()) out.add(convert(item, path + "[" + i++ + "]"));
            return out;
        }
        ScalarNode s = (ScalarNode) node;
        Tag tag = s.getTag();
        String v = s.getValue();
        if (Tag.BOOL.equals(tag)) return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(v));
        if (Tag.INT.equals(tag)) {
            try {
                return JsonNodeFactory.instance.numberNode(Long.parseLong(v));
            } catch (NumberFormatException e) {
                return JsonNodeFactory.instance.textNode(v);
            }
        }
        if (Tag.FLOAT.equals(tag)) return JsonNodeFactory.instance.numberNode(Double.parseDouble(v));
        if (Tag.NULL.equals(tag)) return JsonNodeFactory.instance.nullNode();
        return JsonNodeFactory.instance.textNode(v);
    }
}
