package dev.herald.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML configuration file, read by SnakeYAML (the parser under jackson-dataformat-yaml) twice: as
 * a Jackson tree for its values, and as SnakeYAML's node graph, whose marks say where each key and
 * value is written. A syntax error is one problem at the parser's own mark with its short reason;
 * nothing of the file is quoted.
 */
public final class YamlFile {

    private static final ObjectMapper JACKSON = new ObjectMapper(new YAMLFactory());

    /** A place in the file, 1-based. */
    public record Position(int line, int column) {
        static Position of(Mark m) {
            return new Position(m.getLine() + 1, m.getColumn() + 1);
        }
    }

    private final Path file;
    private final Node root;
    private final JsonNode tree;

    private YamlFile(Path file, Node root, JsonNode tree) {
        this.file = file;
        this.root = root;
        this.tree = tree;
    }

    /** @throws ConfigFileException when the file cannot be read or is not valid YAML */
    public static YamlFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigFileException(file, List.of(new FileProblem(1, 1, "cannot read the file (" + e.getClass().getSimpleName() + ")",
                    "check that it exists, is UTF-8 and that Herald may read it")));
        }
        return parse(file, text);
    }

    /** @throws ConfigFileException when {@code text} is not valid YAML */
    public static YamlFile parse(Path file, String text) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            Position at = m == null ? new Position(1, 1) : Position.of(m);
            throw syntax(file, at, e.getProblem() != null ? e.getProblem() : e.getContext());
        } catch (YAMLException e) {
            throw syntax(file, new Position(1, 1), firstLine(e.getMessage()));
        }
        try {
            return new YamlFile(file, root, root == null ? null : JACKSON.readTree(text));
        } catch (JsonProcessingException e) {
            // SnakeYAML composed it but Jackson cannot make a tree of it (a key that is a list, say).
            JsonLocation l = e.getLocation();
            throw syntax(file, l == null ? new Position(1, 1) : new Position(l.getLineNr(), l.getColumnNr()), firstLine(e.getOriginalMessage()));
        }
    }

    /** The document as a Jackson tree; null for an empty file. */
    public JsonNode tree() {
        return tree;
    }

    public Path file() {
        return file;
    }

    /**
     * Where the value at {@code at} is written, or its key ({@code key}: for a key that is wrong).
     * For a path that is not written (a missing key), the key of its nearest written ancestor.
     */
    public Position position(JsonPointer at, boolean key) {
        if (root == null) return new Position(1, 1);
        Node node = root;
        Node nodeKey = null;
        for (JsonPointer p = at; !p.matches(); p = p.tail()) {
            Node next = null;
            Node nextKey = null;
            if (node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    // The last of repeated keys, as Jackson's tree keeps the last value.
                    if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(p.getMatchingProperty())) {
                        nextKey = t.getKeyNode();
                        next = t.getValueNode();
                    }
                }
            } else if (node instanceof SequenceNode seq && p.getMatchingIndex() >= 0 && p.getMatchingIndex() < seq.getValue().size()) {
                next = seq.getValue().get(p.getMatchingIndex());
            }
            if (next == null) return Position.of((nodeKey != null ? nodeKey : node).getStartMark());
            node = next;
            nodeKey = nextKey;
        }
        return Position.of((key && nodeKey != null ? nodeKey : node).getStartMark());
    }

    public FileProblem locate(Problems.Problem p) {
        Position at = position(p.at(), p.atKey());
        return new FileProblem(at.line(), at.column(), p.what(), p.fix());
    }

    public List<FileProblem> locate(Problems problems) {
        return problems.all().stream().map(this::locate).toList();
    }

    /**
     * Every key written twice in one map: YAML forbids it, yet parsers keep the last silently, so a
     * line further down can undo one further up without a word. Each repeat is reported where it is.
     */
    public List<FileProblem> repeatedKeys() {
        List<FileProblem> out = new ArrayList<>();
        if (root != null) repeatedKeys(root, out);
        return out;
    }

    private static void repeatedKeys(Node node, List<FileProblem> out) {
        if (node instanceof MappingNode map) {
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    Node first = seen.putIfAbsent(k.getValue(), k);
                    if (first != null) {
                        Position at = Position.of(k.getStartMark());
                        out.add(new FileProblem(at.line(), at.column(), "key '" + k.getValue() + "' is written twice in the same map (also on line "
                                + (first.getStartMark().getLine() + 1) + ")", "keep one: only the last one would count"));
                    }
                }
                repeatedKeys(t.getValueNode(), out);
            }
        } else if (node instanceof SequenceNode seq) {
            seq.getValue().forEach(item -> repeatedKeys(item, out));
        }
    }

    private static ConfigFileException syntax(Path file, Position at, String reason) {
        return new ConfigFileException(file, List.of(new FileProblem(at.line(), at.column(), "not valid YAML: " + reason, hint(reason))));
    }

    /** What to write instead, for the mistakes people make most. */
    private static String hint(String reason) {
        String r = reason == null ? "" : reason;
        if (r.contains("TAB")) return "indent with spaces; YAML does not allow tabs for indentation";
        if (r.contains("','") && r.contains("']'")) return "close the list with ']', or quote a value that contains ',', '[' or ']'";
        if (r.contains("','") && r.contains("'}'")) return "close the map with '}', or quote a value that contains ',', '{' or '}'";
        if (r.contains("mapping values are not allowed")) return "line up the keys of one map under each other, or quote a value that contains ': '";
        if (r.contains("alias")) return "quote a value that starts with '*' or '&'";
        if (r.contains("quoted scalar")) return "close the quote where the value ends";
        return "check the indentation: nested keys are indented further than their parent, list items start with '- '";
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse(message).trim();
    }
}
