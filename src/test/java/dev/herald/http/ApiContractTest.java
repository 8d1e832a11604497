package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The checked-in OpenAPI document and the REST routes (and the streams' routes) describe exactly the same operations. */
class ApiContractTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JsonNode read(String resource) throws Exception {
        try (InputStream in = ApiContractTest.class.getResourceAsStream(resource)) {
            return YAML.readTree(in);
        }
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsServed() throws Exception {
        Set<String> served = new TreeSet<>();
        for (JsonNode item : read("/herald/core/api.camel.yaml")) {
            JsonNode rest = item.get("rest");
            if (rest == null) continue;
            for (String verb : new String[] {"get", "post", "put", "delete", "patch"}) {
                for (JsonNode op : rest.path(verb)) served.add(verb + " " + op.path("path").asText() + " " + op.path("id").asText());
            }
        }
        // The streams' routes are Vert.x handlers on the same server (they hold connections open).
        for (var op : dev.herald.stream.StreamRoutes.OPERATIONS) {
            served.add(op.method() + " " + op.openApiPath(true) + " " + op.partnerId());
            served.add(op.method() + " " + op.openApiPath(false) + " " + op.adminId());
        }
        Set<String> documented = new TreeSet<>();
        JsonNode openapi = read("/herald/openapi.yaml");
        openapi.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op ->
                documented.add(op.getKey() + " " + p.getKey() + " " + op.getValue().path("operationId").asText())));

        assertThat(served).hasSizeGreaterThan(10).isEqualTo(documented);
        assertThat(openapi.path("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void everyReferenceResolves() throws Exception {
        JsonNode openapi = read("/herald/openapi.yaml");
        Set<String> refs = new TreeSet<>();
        collect(openapi, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(openapi.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    private static void collect(JsonNode n, Set<String> refs) {
        if (n.isObject() && n.has("$ref")) refs.add(n.get("$ref").asText());
        n.forEach(child -> collect(child, refs));
    }
}
