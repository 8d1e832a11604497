package dev.herald.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A channel's declared contract: its parameters as JSON Schema (required ones, secrets marked
 * {@code format: password}), read from {@code herald/channels/<name>.channel.yaml}. Subscriptions
 * are checked against it when they load, never at the first delivery.
 */
public final class ChannelContract {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    public static final List<String> CHANNELS = List.of("webhook", "slack", "email", "kafka", "endpoint");

    /** JSON Schema 2020-12, plus Herald's annotation x-template (no validation meaning). */
    private static final JsonSchemaFactory FACTORY;

    static {
        JsonMetaSchema meta = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                .keyword(new NonValidationKeyword("x-template")).build();
        FACTORY = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
                .metaSchema(meta).defaultMetaSchemaIri(meta.getIri()).build();
    }

    private final String name;
    private final JsonNode definition;
    private final JsonSchema schema;

    private ChannelContract(String name, JsonNode definition) {
        this.name = name;
        this.definition = definition;
        this.schema = FACTORY.getSchema(definition);
    }

    /** The built-in contracts, read and compiled once: they are classpath resources and never change. */
    private static final Map<String, ChannelContract> BUILT_IN = CHANNELS.stream()
            .collect(Collectors.toUnmodifiableMap(c -> c, ChannelContract::read));

    /** The contract of a built-in channel, or null when there is no such channel. */
    public static ChannelContract of(String channel) {
        return BUILT_IN.get(channel);
    }

    private static ChannelContract read(String channel) {
        try (InputStream in = ChannelContract.class.getResourceAsStream("/herald/channels/" + channel + ".channel.yaml")) {
            JsonNode doc = YAML.readTree(in);
            return new ChannelContract(channel, doc.get("definition"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parameters marked {@code format: password}: they must be references, never values. */
    public Set<String> secretParameters() {
        return parametersWhere(spec -> "password".equals(spec.path("format").asText()));
    }

    /** Parameters marked {@code x-template: true}: their {{...}} belong to the template, not to settings. */
    public Set<String> templateParameters() {
        return parametersWhere(spec -> spec.path("x-template").asBoolean());
    }

    private Set<String> parametersWhere(java.util.function.Predicate<JsonNode> test) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = definition.path("properties").fieldNames(); it.hasNext(); ) {
            String p = it.next();
            if (test.test(definition.path("properties").path(p))) out.add(p);
        }
        return out;
    }

    /** Every way {@code parameters} breaks the contract, each saying what to write instead. */
    public List<String> check(JsonNode parameters) {
        List<String> problems = new ArrayList<>();
        for (ValidationMessage m : schema.validate(parameters)) {
            String property = m.getProperty();
            JsonNode spec = definition.path("properties").path(property == null ? "" : property);
            String hint = spec.isMissingNode() ? "" : " (" + spec.path("title").asText() + ": " + spec.path("description").asText() + ")";
            switch (m.getType()) {
                case "required" -> problems.add("parameters." + property + " is missing; the " + name + " channel requires it" + hint);
                case "additionalProperties" -> problems.add("parameters: unknown key '" + property + "' for the " + name
                        + " channel; known keys are " + new TreeSet<>(iterable(definition.path("properties").fieldNames())));
                default -> {
                    String at = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
                    problems.add("parameters." + at + ": " + m.getMessage().replaceFirst("^\\$[^:]*: ", "") + hintFor(at));
                }
            }
        }
        return problems;
    }

    private String hintFor(String property) {
        JsonNode spec = definition.path("properties").path(property);
        return spec.isMissingNode() ? "" : "; expected " + spec.path("description").asText();
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
