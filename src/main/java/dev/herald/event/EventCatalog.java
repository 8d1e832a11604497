package dev.herald.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.herald.yaml.ConfigFileException;
import dev.herald.yaml.FileProblem;
import dev.herald.yaml.Problems;
import dev.herald.yaml.YamlFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The event type catalog ({@code config/catalog.yaml}): each type with a description and a JSON
 * Schema for its {@code data}. Accept validates events of catalogued types against it; events of
 * other types pass unchecked. It also says which types partners may subscribe to ({@code partners:
 * scoped}, each event only for the partner it names; {@code partners: broadcast}, every event for
 * every partner subscribed) and shows them an example; any other type never reaches a partner.
 */
public final class EventCatalog {

    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** The 2020-12 meta-schema (bundled with the validator, read offline): a schema must be a schema. */
    private static final JsonSchema META = SCHEMAS.getSchema(SchemaLocation.of(SchemaId.V202012));

    /** Who among the partners may receive a type's events. */
    public enum Audience {
        /** No partner: the platform's own subscriptions only. */
        NONE,
        /** The partner an event names in its {@code partnerid} attribute, and no other. */
        SCOPED,
        /** Every partner subscribed to the type. */
        BROADCAST;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Entry(String type, String description, JsonSchema schema, JsonNode schemaNode, Audience partners, JsonNode example) {}

    private final Map<String, Entry> types;

    private EventCatalog(Map<String, Entry> types) {
        this.types = types;
    }

    public static EventCatalog empty() {
        return new EventCatalog(Map.of());
    }

    /**
     * Loads a catalog; a missing file is an empty catalog.
     *
     * @throws ConfigFileException listing every problem, each at the key or value that is wrong
     */
    public static EventCatalog load(Path file) {
        if (!Files.exists(file)) return empty();
        YamlFile yaml = YamlFile.read(file);
        Problems problems = new Problems();
        JsonNode list = yaml.tree() == null ? null : yaml.tree().get("types");
        Map<String, Entry> out = new LinkedHashMap<>();
        if (list == null || !list.isObject()) {
            problems.at("types").add("the catalog has no top-level 'types:' map",
                    "start it with types: and give each event type its description and schema");
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Entry entry = entry(e.getKey(), e.getValue(), problems.at("types").at(e.getKey()));
                if (entry != null) out.put(entry.type(), entry);
            }
        }
        List<FileProblem> all = new ArrayList<>(yaml.locate(problems));
        all.addAll(yaml.repeatedKeys());
        if (!all.isEmpty()) throw new ConfigFileException(file, all);
        return new EventCatalog(out);
    }

    /** One type's entry, or null with its problems added. */
    private static Entry entry(String type, JsonNode spec, Problems problems) {
        if (!EventFactory.TYPE.matcher(type).matches() || type.contains("*")) {
            problems.addAtKey("types." + type + ": not an event type", "write dot-separated words such as order.created");
            return null;
        }
        if (!spec.hasNonNull("description")) {
            problems.add("types." + type + ": the description is missing", "add one: what happened, for whom");
        }
        JsonSchema schema = null;
        if (spec.has("schema")) {
            Set<ValidationMessage> invalid = META.validate(spec.get("schema"));
            if (invalid.isEmpty()) {
                schema = SCHEMAS.getSchema(spec.get("schema"));
            } else {
                // One problem per place in the schema, with every reason the meta-schema gives there.
                Map<JsonNodePath, List<String>> byPlace = new TreeMap<>();
                invalid.forEach(m -> byPlace.computeIfAbsent(m.getInstanceLocation(), k -> new ArrayList<>()).add(m.getMessage()));
                byPlace.forEach((place, messages) -> problems.at("schema").at(place).add(
                        "types." + type + ".schema: not a usable JSON Schema: " + messages.stream().sorted().collect(Collectors.joining("; ")),
                        "write a JSON Schema (2020-12) for the type's data, see docs/integrators.md"));
            }
        }
        Audience partners = audience(spec.get("partners"), problems.at("partners"), type);
        JsonNode example = spec.get("example");
        if (example != null && schema != null) {
            schema.validate(example).stream().map(m -> m.getInstanceLocation().toString().replaceFirst("^\\$", "example") + ": "
                    + m.getMessage().replaceFirst("^\\$[^:]*: ", "")).sorted().findFirst()
                    .ifPresent(why -> problems.at("example").add("types." + type + ".example does not match its schema: " + why,
                            "make the example a valid instance of the type's data"));
        }
        return new Entry(type, spec.path("description").asText(null), schema, spec.get("schema"), partners, example);
    }

    private static Audience audience(JsonNode v, Problems problems, String type) {
        if (v == null || v.isNull()) return Audience.NONE;
        for (Audience a : Audience.values()) {
            if (a != Audience.NONE && a.text().equals(v.asText())) return a;
        }
        problems.add("types." + type + ".partners: '" + v.asText() + "' is not scoped or broadcast",
                "write partners: scoped (each event for the partner it names) or partners: broadcast (for every partner subscribed),"
                        + " or leave it out to keep the type from partners");
        return Audience.NONE;
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

    /** Who among the partners may receive this type's events (uncatalogued types: no one). */
    public Audience audience(String type) {
        Entry e = types.get(type);
        return e == null ? Audience.NONE : e.partners();
    }

    /** The catalogued types partners may subscribe to, in catalog order. */
    public List<Entry> forPartners() {
        return types.values().stream().filter(e -> e.partners() != Audience.NONE).toList();
    }

    /** True when the pattern matches some catalogued type (or the catalog is empty, so nothing can be said). */
    public boolean covers(TypePattern pattern) {
        return types.isEmpty() || pattern.text().startsWith("herald.") || types.keySet().stream().anyMatch(pattern::matches);
    }
}
