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
import dev.herald.yaml.DidYouMean;
import dev.herald.yaml.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A channel's declared contract: its parameters as JSON Schema (required ones, secrets marked
 * {@code format: password}), read from {@code herald/channels/<name>.channel.yaml}, and its
 * {@link ParameterReader} for what a schema cannot say. Subscriptions are read through it when they
 * load, never at the first delivery. A new channel is its {@code .channel.yaml}, its reader (in
 * {@code READERS} below) and its {@link Channel} (in {@link Channels}), all in this package; the
 * subscription loader does not change.
 */
public final class ChannelContract {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The readers of the built-in channels, in the order messages list them. */
    private static final Map<String, ParameterReader> READERS = new LinkedHashMap<>();

    static {
        READERS.put("webhook", new WebhookParameters());
        READERS.put("slack", new SlackParameters());
        READERS.put("email", new EmailParameters());
        READERS.put("kafka", new KafkaParameters());
        READERS.put("endpoint", new EndpointParameters());
        READERS.put("stream", new StreamParameters());
    }

    public static final List<String> CHANNELS = List.copyOf(READERS.keySet());

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
    private final ParameterReader reader;

    private ChannelContract(String name, JsonNode definition, ParameterReader reader) {
        this.name = name;
        this.definition = definition;
        this.schema = FACTORY.getSchema(definition);
        this.reader = reader;
    }

    /** The built-in contracts, read and compiled once: they are classpath resources and never change. */
    private static final Map<String, ChannelContract> BUILT_IN = CHANNELS.stream()
            .collect(Collectors.toUnmodifiableMap(c -> c, ChannelContract::read));

    /** The contract of a built-in channel, or null when there is no such channel. */
    public static ChannelContract of(String channel) {
        return BUILT_IN.get(channel);
    }

    /** The built-in channel a misspelt name most likely means, or null. */
    public static String closest(String channel) {
        return DidYouMean.closest(channel, CHANNELS, 2);
    }

    /** Parameters that are secret in every channel that has them (Slack's url is, a webhook's is not). */
    private static final Set<String> ALWAYS_SECRET = alwaysSecret();

    /**
     * For a subscription whose channel is not known, the one check that needs no channel: a
     * parameter that is secret wherever it exists is a reference, so a secret written into the
     * file is refused in the same pass as the channel's name.
     */
    public static void checkSecretsOfUnknownChannel(JsonNode parameters, ParameterContext context, Problems problems) {
        Set<String> asWritten = new TreeSet<>();
        if (parameters != null) parameters.fieldNames().forEachRemaining(asWritten::add);
        Parameters.read(parameters, ALWAYS_SECRET, asWritten, context, problems);
    }

    private static Set<String> alwaysSecret() {
        Set<String> secret = new TreeSet<>();
        Set<String> plain = new TreeSet<>();
        for (ChannelContract c : BUILT_IN.values()) {
            Set<String> s = c.secretParameters();
            secret.addAll(s);
            c.definition.path("properties").fieldNames().forEachRemaining(p -> {
                if (!s.contains(p)) plain.add(p);
            });
        }
        secret.removeAll(plain);
        return Set.copyOf(secret);
    }

    private static ChannelContract read(String channel) {
        try (InputStream in = ChannelContract.class.getResourceAsStream("/herald/channels/" + channel + ".channel.yaml")) {
            JsonNode doc = YAML.readTree(in);
            return new ChannelContract(channel, doc.get("definition"), READERS.get(channel));
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

    /**
     * Reads a subscription's {@code parameters} (null when it has none): references resolved, the
     * schema checked, then the channel's own reading. Every problem goes to {@code problems} (at
     * the subscription's {@code parameters}); the settings are null when there is any.
     */
    public ChannelSettings read(JsonNode parameters, ParameterContext context, Problems problems) {
        int before = problems.size();
        Parameters p = Parameters.read(parameters, secretParameters(), templateParameters(), context, problems);
        check(p, problems);
        ChannelSettings settings = reader.read(p);
        return problems.size() == before ? settings : null;
    }

    /** Every way the parameters break the schema, each at its key or value, saying what to write instead. */
    private void check(Parameters p, Problems problems) {
        for (ValidationMessage m : schema.validate(p.checked())) {
            String property = m.getProperty();
            JsonNode spec = definition.path("properties").path(property == null ? "" : property);
            String hint = spec.isMissingNode() ? "" : " (" + spec.path("title").asText() + ": " + spec.path("description").asText() + ")";
            switch (m.getType()) {
                case "required" -> problems.at(property).add("parameters." + property + " is missing", "the " + name + " channel requires it" + hint);
                case "additionalProperties" -> problems.at(property).addAtKey("parameters: unknown key '" + property + "' for the " + name
                        + " channel", "known keys are " + new TreeSet<>(iterable(definition.path("properties").fieldNames())));
                default -> {
                    String at = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
                    if (m.getInstanceLocation().getNameCount() > 0 && p.unresolved(m.getInstanceLocation().getName(0))) continue;
                    problems.at(m.getInstanceLocation()).add("parameters." + at + ": " + m.getMessage().replaceFirst("^\\$[^:]*: ", ""), hintFor(at));
                }
            }
        }
    }

    private String hintFor(String property) {
        JsonNode spec = definition.path("properties").path(property);
        return spec.isMissingNode() ? "see the " + name + " channel in docs/channels.md" : "expected " + spec.path("description").asText();
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
