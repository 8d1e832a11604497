package dev.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import org.apache.camel.Exchange;

/** What the API's handlers read from a request: path and query parameters, and a JSON object body. */
public final class Requests {

    private Requests() {}

    /** A query parameter, trimmed; null when absent or blank. */
    public static String query(Exchange ex, String name) {
        String v = ex.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public static String path(Exchange ex, String name) {
        return ex.getMessage().getHeader(name, String.class);
    }

    /** The body as a JSON object (an empty one when there is no body); 400 when it is anything else. */
    public static JsonNode jsonBody(Exchange ex) {
        String body = ex.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) return Json.MAPPER.createObjectNode();
        JsonNode n;
        try {
            n = Json.tree(body);
        } catch (RuntimeException e) {
            throw new HttpProblem(400, "the body is not valid JSON");
        }
        if (!n.isObject()) throw new HttpProblem(400, "the body must be a JSON object");
        return n;
    }

    /** A field's text; null when absent, null or blank. */
    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }
}
