package dev.herald.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.yaml.Problems;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One subscription's channel parameters while they are read: ordinary text with its references
 * ({@code {{env:PARTNER_URL}}}) resolved, secrets only as references, template text as written, and
 * for each parameter where its problems are reported.
 */
public final class Parameters {

    private static final Pattern REFERENCE = Pattern.compile("\\{\\{[^{}]+}}");

    /** As written, with ordinary references resolved: what the contract's schema checks. */
    private final ObjectNode checked;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> unresolved = new HashSet<>();
    private final Set<String> secrets;
    private final Set<String> templates;
    private final ParameterContext context;
    private final Problems problems;

    private Parameters(ObjectNode checked, Set<String> secrets, Set<String> templates, ParameterContext context, Problems problems) {
        this.checked = checked;
        this.secrets = secrets;
        this.templates = templates;
        this.context = context;
        this.problems = problems;
    }

    /** Reads {@code written} (the subscription's {@code parameters}, or null) by the contract's secret and template marks. */
    static Parameters read(JsonNode written, Set<String> secrets, Set<String> templates, ParameterContext context, Problems problems) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        if (written != null && !written.isMissingNode() && !written.isNull()) {
            if (written.isObject()) {
                copy = ((ObjectNode) written).deepCopy();
            } else {
                problems.add("parameters is not a map", "write the channel's parameters as keys and values, such as parameters: {url: ...}");
            }
        }
        Parameters p = new Parameters(copy, secrets, templates, context, problems);
        for (Iterator<Map.Entry<String, JsonNode>> it = copy.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            boolean text = e.getValue().isTextual();
            // Secrets are resolved only where they are used, and must be references; in templates,
            // {{...}} is the template's own.
            if (secrets.contains(key)) {
                if (text && !REFERENCE.matcher(e.getValue().asText().trim()).matches()) p.writtenIntoTheFile(key);
                continue;
            }
            if (text && !templates.contains(key)) p.resolve(key, e.getValue().asText());
            p.values.put(key, copy.get(key).asText());
        }
        return p;
    }

    private void resolve(String key, String text) {
        if (!text.contains("{{")) return;
        try {
            checked.put(key, context.placeholders().apply(text));
        } catch (RuntimeException e) {
            unresolved.add(key);
            problems.at(key).add("parameters." + key + " " + text + " cannot be resolved: " + e.getMessage(),
                    "set that environment variable or property, or give a default: {{env:NAME:default}}");
        }
    }

    private void writtenIntoTheFile(String key) {
        problems.at(key).add("parameters." + key + " is written into the file",
                "secrets never live in the repository; reference it instead, such as " + key + ": \"{{env:PARTNER_" + key.toUpperCase() + "}}\"");
    }

    /** The parameters as the contract's schema checks them. */
    JsonNode checked() {
        return checked;
    }

    /** Whether {@code key}'s reference could not be resolved (already reported: its other checks would only repeat it). */
    boolean unresolved(String key) {
        return unresolved.contains(key);
    }

    /** A text parameter's value (references resolved), or null when absent, secret or unresolved. */
    public String value(String key) {
        return unresolved.contains(key) ? null : values.get(key);
    }

    /** The text parameters (no secrets) for the channel to use; a reader may add defaults or a resolved secret. */
    public Map<String, String> values() {
        return values;
    }

    /** The parameters whose {{...}} belong to a template (the contract's x-template). */
    public Set<String> templates() {
        return templates;
    }

    /** Whether {@code key} is written at all. */
    public boolean has(String key) {
        return checked.hasNonNull(key);
    }

    /** A secret parameter's value, from its reference; null when absent, or (reported) written into the file or not set. */
    public String secret(String key) {
        if (!secrets.contains(key)) throw new IllegalArgumentException(key + " is not a secret parameter of this channel");
        JsonNode v = checked.get(key);
        if (v == null || !v.isTextual() || !REFERENCE.matcher(v.asText().trim()).matches()) return null;
        String ref = v.asText().trim();
        try {
            return context.placeholders().apply(ref);
        } catch (RuntimeException e) {
            problems.at(key).add("parameters." + key + " " + ref + " is not set (" + e.getMessage() + ")",
                    "set that environment variable or property");
            return null;
        }
    }

    /**
     * {@code text} as an absolute http(s) URL, or null (reported at {@code key}). A secret URL (Slack's
     * carries its token) is not quoted in the report.
     */
    public URI httpUrl(String key, String text) {
        if (text == null) return null; // missing: the contract says so
        String shown = secrets.contains(key) ? "(from " + checked.path(key).asText() + ")" : "'" + text + "'";
        try {
            URI u = new URI(text);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) return u;
            problems.at(key).add("parameters." + key + " " + shown + " must be an absolute http:// or https:// URL",
                    "write one such as https://partner.example/hooks");
        } catch (URISyntaxException e) {
            problems.at(key).add("parameters." + key + " " + shown + " is not a URL: " + e.getReason(),
                    "write one such as https://partner.example/hooks");
        }
        return null;
    }

    /** Where a problem with {@code key} is reported. */
    public Problems at(String key) {
        return problems.at(key);
    }

    /** The outbound guard's refusals of {@code key}'s target, each reported there ({@code fix} when one says no fix of its own). */
    void refused(String key, List<String> reasons, String fix) {
        for (String r : reasons) problems.at(key).addMessage(r, fix);
    }

    /** The outbound guard, or null when targets are checked only at delivery. */
    Targets targets() {
        return context.targets();
    }

    ParameterContext context() {
        return context;
    }
}
