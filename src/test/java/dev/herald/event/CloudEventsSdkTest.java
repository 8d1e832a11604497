package dev.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * What the CloudEvents Java SDK's JSON format (4.0.1) does with the structured events of
 * EventFactoryTest, beside what Herald's {@link EventFactory} does: where it matches, where it takes
 * what Herald refuses, and how its refusals read. Pinned so that a library update that changes any
 * of this fails here and docs/architecture.md ("Libraries tried") is looked at again.
 */
class CloudEventsSdkTest {

    static final JsonFormat SDK = new JsonFormat();
    final EventFactory herald = new EventFactory(262_144, Clock.systemUTC());
    final DefaultCamelContext context = new DefaultCamelContext();

    static final String GOOD = """
            {"specversion": "1.0", "id": "e-9", "source": "urn:x", "type": "user.signed_up", "time": "2026-11-01T08:00:00Z",
             "orderingkey": "k1", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate": "a=b",
             "data": {"user": 7}}""";

    @Test
    void itCarriesTheExtensionsAndKeepsDataAsTheParsedTree() {
        CloudEvent e = sdk(GOOD);
        assertThat(e.getExtensionNames()).containsExactlyInAnyOrder("orderingkey", "traceparent", "tracestate");
        assertThat(e.getExtension("orderingkey")).isEqualTo("k1");
        assertThat(e.getData()).isInstanceOf(JsonCloudEventData.class);
        // Serialising writes the tree it holds, not a copy taken at parse time.
        ((ObjectNode) ((JsonCloudEventData) e.getData()).getNode()).put("user", 8);
        assertThat(Json.tree(new String(SDK.serialize(e), StandardCharsets.UTF_8)).path("data").path("user").asInt()).isEqualTo(8);
        // The same attributes as Herald's record, serialised.
        JsonNode ours = Json.tree(new String(Json.bytes(heraldEvent(GOOD)), StandardCharsets.UTF_8));
        JsonNode theirs = Json.tree(new String(SDK.serialize(sdk(GOOD)), StandardCharsets.UTF_8));
        assertThat(theirs).isEqualTo(ours);
    }

    @Test
    void itTakesWhatHeraldRefuses() {
        String base = "\"id\": \"1\", \"source\": \"urn:x\", \"type\": \"a.b\"";
        for (String input : new String[] {
                "{\"specversion\": \"0.3\", " + base + "}",
                "{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"urn:x\", \"type\": \"order created\"}",
                "{\"specversion\": \"1.0\", \"id\": \"\", \"source\": \"urn:x\", \"type\": \"a.b\"}",
                "{\"specversion\": \"1.0\", " + base + ", \"orderingkey\": 7}",
                "{\"specversion\": \"1.0\", " + base + "} trailing",
                "{\"specversion\": \"1.0\", " + base + ", \"data\": " + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "}"}) {
            assertThatThrownBy(() -> heraldEvent(input)).as(input).isInstanceOf(RejectedEventException.class);
            assertThat(sdk(input)).as(input).isNotNull();
        }
    }

    @Test
    void anObjectValuedAttributeBecomesAString() {
        CloudEvent e = sdk("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"urn:x\", \"type\": \"a.b\", \"nested\": {\"x\": 1}}");
        assertThat(e.getExtension("nested")).isEqualTo("{\"x\":1}");
    }

    @Test
    void itsRefusalsNameTheAttributeButNotTheFix() {
        assertThat(sdkError("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"urn:x\"}"))
                .startsWith("Missing mandatory type attribute").contains("REDACTED");
        assertThat(heraldError("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"urn:x\"}"))
                .isEqualTo("the event has no type; give the event a \"type\" attribute such as \"order.created\"");
        assertThat(sdkError("{\"specversion\": \"1.0\", \"id\": 12345, \"source\": \"urn:x\", \"type\": \"a.b\"}"))
                .startsWith("Wrong type NUMBER for attribute id, expecting STRING");
        assertThat(sdkError("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"not a uri\", \"type\": \"a.b\"}"))
                .startsWith("Invalid attribute/extension value for \"source\": not a uri");
        assertThat(sdkError("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"urn:x\", \"type\": \"a.b\", \"time\": \"yesterday\"}"))
                .startsWith("Invalid attribute/extension value for \"time\": yesterday");
    }

    @Test
    void onHeraldsMapperWithHeraldsChecksItRefusesTheSameInputs() {
        String base = "\"id\": \"1\", \"source\": \"urn:x\", \"type\": \"a.b\"";
        for (String input : new String[] {
                "{\"specversion\": \"0.3\", " + base + "}",
                "{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"urn:x\", \"type\": \"order created\"}",
                "{\"specversion\": \"1.0\", \"id\": \" \", \"source\": \"urn:x\", \"type\": \"a.b\"}",
                "{\"specversion\": \"1.0\", " + base + ", \"orderingkey\": 7}",
                "{\"specversion\": \"1.0\", " + base + "} trailing",
                "{\"specversion\": \"1.0\", " + base + ", \"data\": " + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "}"}) {
            assertThatThrownBy(() -> SdkStructuredParse.parse(input.getBytes(StandardCharsets.UTF_8))).as(input)
                    .isInstanceOf(RejectedEventException.class);
        }
    }

    static CloudEvent sdk(String json) {
        return SDK.deserialize(json.getBytes(StandardCharsets.UTF_8));
    }

    static String sdkError(String json) {
        try {
            sdk(json);
            return null;
        } catch (EventDeserializationException e) {
            return e.getCause().getMessage();
        }
    }

    dev.herald.event.CloudEvent heraldEvent(String json) {
        var m = new DefaultExchange(context).getMessage();
        m.setBody(json.getBytes(StandardCharsets.UTF_8));
        return herald.toEvent(m);
    }

    String heraldError(String json) {
        try {
            heraldEvent(json);
            return null;
        } catch (RejectedEventException e) {
            return e.getMessage();
        }
    }
}
