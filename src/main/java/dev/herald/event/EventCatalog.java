package dev.herald.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.herald.subscription.TypePattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The event type catalog ({@code config/catalog.yaml}): each type with a description and a JSON
 * Schema for its {@code data}. Accept validates events of catalogued types against it; events of
 * other types pass unchecked.
 */
public final class EventCatalog {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** The 2020-12 meta-schema (bundled with the validator, read offline): a schema must be a schema. */
    private static final JsonSchema META = SCHEMAS.getSchema(SchemaLocation.of(SchemaId.V202012));

    public record Entry(String type, String description, JsonSchema schema) {}

    private final Map<String, Entry> types;

    private EventCatalog(Map<String, Entry> types) {
        this.types = types;
    }

    public static EventCatalog empty() {
        return new EventCatalog(Map.of());
    }

    /** Loads a catalog; a missing file is an empty catalog. Problems are listed together. */
    public static EventCatalog load(Path file) {
        if (!Files.exists(file)) return empty();
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the catalog: " + e.getMessage());
        }
        JsonNode list = root == null ? null : root.get("types");
        if (list == null || !list.isObject()) {
            throw new IllegalArgumentException(file + ": the catalog must have a top-level 'types:' map of event type to description and schema");
        }
        List<String> problems = new ArrayList<>();
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String type = e.getKey();
            JsonNode spec = e.getValue();
            if (!EventFactory.TYPE.matcher(type).matches() || type.contains("*")) {
                problems.add("types." + type + ": not an event type; write dot-separated words such as order.created");
                continue;
            }
            if (!spec.hasNonNull("description")) problems.add("types." + type + ": add a description: what happened, for whom");
            JsonSchema schema = null;
            if (spec.has("schema")) {
                Set<ValidationMessage> invalid = META.validate(spec.get("schema"));
                if (!invalid.isEmpty()) {
                    problems.add("types." + type + ".schema: not a usable JSON Schema: "
                            + invalid.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("; ")));
                } else {
                    schema = SCHEMAS.getSchema(spec.get("schema"));
                }
            }
            out.put(type, new Entry(type, spec.path("description").asText(null), schema));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " has " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
        }
        return new EventCatalog(out);
    }

    public boolean isEmpty() {
        return types.isEmpty();
    }

    public Set<String> types() {
        return types.keySet();
    }

    /** What is wrong with {@code data} for a catalogued {@code type}; empty when it conforms or the type is not catalogued. */
    public List<String> check(String type, JsonNode data) {
        Entry e = types.get(type);
        if (e == null || e.schema() == null) return List.of();
        Set<ValidationMessage> messages = e.schema().validate(data == null ? Json.MAPPER.nullNode() : data);
        return messages.stream()
                .map(m -> m.getInstanceLocation().toString().replaceFirst("^\\$", "data") + ": "
                        + m.getMessage().replaceFirst("^\\$[^:]*: ", ""))
                .sorted().collect(Collectors.toList());
    }

    /** True when the pattern matches some catalogued type (or the catalog is empty, so nothing can be said). */
    public boolean covers(TypePattern pattern) {
        return types.isEmpty() || pattern.text().startsWith("herald.") || types.keySet().stream().anyMatch(pattern::matches);
    }
}
