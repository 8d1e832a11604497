package dev.herald.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import dev.herald.event.Json;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An email subscription's templates (Mustache), compiled when the subscription loads so a broken
 * template is reported then. The HTML body escapes what it inserts; subject, recipients and the
 * plain-text body insert values as they are.
 */
public final class EmailTemplates {

    private static final DefaultMustacheFactory HTML = new DefaultMustacheFactory();
    private static final DefaultMustacheFactory TEXT = new DefaultMustacheFactory() {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final String[] TEXT_FIELDS = {"to", "cc", "subject", "text"};

    private final Map<String, Mustache> templates = new LinkedHashMap<>();

    /** @throws IllegalArgumentException naming the parameter whose template does not compile */
    public EmailTemplates(Map<String, String> parameters) {
        for (String field : TEXT_FIELDS) compile(field, parameters.get(field), TEXT);
        compile("html", parameters.get("html"), HTML);
    }

    private void compile(String field, String template, DefaultMustacheFactory factory) {
        if (template == null) return;
        try {
            templates.put(field, factory.compile(new StringReader(template), field));
        } catch (MustacheException e) {
            throw new IllegalArgumentException("parameters." + field + ": the template does not compile: " + e.getMessage());
        }
    }

    /** The rendered fields (to, cc, subject, text, html) for one event; absent ones are left out. */
    public Map<String, String> render(JsonNode event) {
        @SuppressWarnings("unchecked")
        Map<String, Object> scope = Json.MAPPER.convertValue(event, Map.class);
        Map<String, String> out = new LinkedHashMap<>();
        templates.forEach((field, mustache) -> {
            StringWriter w = new StringWriter();
            mustache.execute(w, scope);
            out.put(field, w.toString());
        });
        return out;
    }
}
