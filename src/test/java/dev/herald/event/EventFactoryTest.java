package dev.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class EventFactoryTest {

    final EventFactory factory = new EventFactory(1024, Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC));
    final DefaultCamelContext context = new DefaultCamelContext();

    Message message(Object body, String... headers) {
        Message m = new DefaultExchange(context).getMessage();
        m.setBody(body);
        for (int i = 0; i < headers.length; i += 2) m.setHeader(headers[i], headers[i + 1]);
        return m;
    }

    @Test
    void dataWithBinaryModeHeadersBecomesACloudEvent() {
        CloudEvent e = factory.toEvent(message("{\"orderId\": \"A-1\"}", "ce-type", "order.created", "ce-source", "urn:shop",
                "ce-id", "evt-1", "ce_subject", "A-1"));
        assertThat(e).isEqualTo(new CloudEvent("1.0", "evt-1", "urn:shop", "order.created", "A-1", "2026-11-27T10:00:00Z",
                "application/json", null, Json.tree("{\"orderId\": \"A-1\"}")));
    }

    @Test
    void anEventNamesThePartnerItIsForAndAMalformedPartnerIdIsRejected() {
        assertThat(factory.toEvent(message("{}", "ce-type", "order.created", "ce-partnerid", "acme-shop")).partnerid()).isEqualTo("acme-shop");
        assertThat(factory.toEvent(message("""
                {"specversion": "1.0", "id": "e-1", "source": "urn:x", "type": "order.created", "partnerid": "north"}""")).partnerid())
                .isEqualTo("north");
        assertThat(Json.string(factory.toEvent(message("{}", "ce-type", "order.created", "ce-partnerid", "acme-shop"))))
                .contains("\"partnerid\":\"acme-shop\"");
        assertThatThrownBy(() -> factory.toEvent(message("{}", "ce-type", "order.created", "ce-partnerid", "Acme Shop")))
                .isInstanceOf(RejectedEventException.class)
                .hasMessageContaining("partnerid 'Acme Shop' is not a partner id: 1 to 63 lower-case letters");
    }

    @Test
    void withoutAProducerIdTheIdIsDerivedFromTheSourcePosition() {
        CloudEvent a = factory.toEvent(message("{}", "ce-type", "t.x", "ce-source", "urn:s", "JMSMessageID", "ID:1"));
        CloudEvent b = factory.toEvent(message("{}", "ce-type", "t.x", "ce-source", "urn:s", "JMSMessageID", "ID:1"));
        CloudEvent c = factory.toEvent(message("{}", "ce-type", "t.x", "ce-source", "urn:s", "JMSMessageID", "ID:2"));
        assertThat(a.id()).isEqualTo(b.id()).isNotEqualTo(c.id());
    }

    @Test
    void aStructuredCloudEventIsTakenAsItIs() {
        CloudEvent e = factory.toEvent(message("""
                {"specversion": "1.0", "id": "e-9", "source": "urn:x", "type": "user.signed_up",
                 "time": "2026-11-01T08:00:00Z", "data": {"user": 7}}"""));
        assertThat(e.id()).isEqualTo("e-9");
        assertThat(e.time()).isEqualTo("2026-11-01T08:00:00Z");
        assertThat(e.data().path("user").asInt()).isEqualTo(7);
    }

    @Test
    void xmlBecomesJsonDataAndItsDtdIsNotRead() throws Exception {
        CloudEvent e = factory.toEvent(message("<Order><No>7</No><Total currency=\"EUR\">9.5</Total></Order>", "ce-type", "order.created"));
        assertThat(e.data().path("No").asText()).isEqualTo("7");
        assertThat(e.data().path("Total")).isEqualTo(Json.tree("{\"currency\": \"EUR\", \"value\": \"9.5\"}"));
        // The same mapper is the routes' jacksonXml data format (#heraldXmlMapper), which reads into a Map.
        assertThat(factory.xmlMapper().readValue("<Total currency=\"EUR\">9.5</Total>", java.util.Map.class))
                .isEqualTo(java.util.Map.of("currency", "EUR", "value", "9.5"));
        assertThatThrownBy(() -> factory.toEvent(message("""
                <?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>""", "ce-type", "a.b")))
                .isInstanceOf(RejectedEventException.class);
    }

    @Test
    void badInputIsRejectedWithAReasonAPersonCanActOn() {
        assertThatThrownBy(() -> factory.toEvent(message("{\"a\": ", "ce-type", "a.b")))
                .hasMessageStartingWith("the body is not valid JSON at line 1");
        assertThatThrownBy(() -> factory.toEvent(message("{\"a\": 1}")))
                .hasMessageContaining("no type").hasMessageContaining("ce-type header");
        assertThatThrownBy(() -> factory.toEvent(message("{}", "ce-type", "order created")))
                .hasMessageContaining("is not valid").hasMessageContaining("order.created");
        assertThatThrownBy(() -> factory.toEvent(message("{\"specversion\": \"0.3\", \"id\": \"1\"}")))
                .hasMessageContaining("CloudEvents 1.0");
        assertThatThrownBy(() -> factory.toEvent(message("{}", "ce-type", "a.b", "ce-specversion", "0.3")))
                .hasMessageContaining("ce-specversion is '0.3'; Herald accepts CloudEvents 1.0");
        // A number is not the string "12345": the JSON format writes the id (and every attribute) as a string.
        assertThatThrownBy(() -> factory.toEvent(message(
                "{\"specversion\": \"1.0\", \"id\": 12345, \"source\": \"urn:x\", \"type\": \"a.b\"}")))
                .hasMessageContaining("attribute \"id\" must be a JSON string, such as \"id\": \"12345\"");
        assertThatThrownBy(() -> factory.toEvent(message(
                "{\"specversion\": 1.0, \"id\": \"1\", \"source\": \"urn:x\", \"type\": \"a.b\"}")))
                .hasMessageContaining("attribute \"specversion\" must be a JSON string");
        assertThatThrownBy(() -> factory.toEvent(message(
                "{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"not a uri\", \"type\": \"a.b\"}")))
                .hasMessageContaining("source 'not a uri' is not a URI-reference");
        assertThatThrownBy(() -> factory.toEvent(message("{}", "ce-type", "a.b", "ce-source", "a b c")))
                .hasMessageContaining("is not a URI-reference");
        assertThatThrownBy(() -> factory.toEvent(message("{\"pad\": \"" + "x".repeat(2000) + "\"}", "ce-type", "a.b")))
                .hasMessageContaining("the limit is 1024");
        assertThatThrownBy(() -> factory.toEvent(message(new byte[] {'{', '"', (byte) 0xC3, '"', '}'}, "ce-type", "a.b")))
                .hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> factory.toEvent(message("{}", "ce-type", "a.b", "ce-time", "yesterday")))
                .hasMessageContaining("RFC 3339");
        assertThatThrownBy(() -> factory.toEvent(message("[".repeat(100) + "]".repeat(100), "ce-type", "a.b")))
                .isInstanceOf(RejectedEventException.class);
        assertThatThrownBy(() -> factory.toEvent(message("", "ce-type", "a.b"))).hasMessageContaining("empty");
    }

    @Test
    void hostileXmlIsRejectedWithAReason() {
        EventFactory factory = new EventFactory(262_144, Clock.systemUTC());
        // Entity expansion ("billion laughs"): no DTD is read, so no entity is expanded.
        StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY l0 \"lol\">");
        for (int i = 1; i < 10; i++) lol.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        lol.append("]><r>&l9;</r>");
        assertThatThrownBy(() -> factory.toEvent(message(lol.toString(), "ce-type", "a.b")))
                .isInstanceOf(RejectedEventException.class).hasMessageContaining("not valid XML");
        // Nested deeper than any real order: refused before it costs anything.
        assertThatThrownBy(() -> factory.toEvent(message("<a>".repeat(200) + "</a>".repeat(200), "ce-type", "a.b")))
                .isInstanceOf(RejectedEventException.class).hasMessageContaining("Depth limit (64)");
        assertThatThrownBy(() -> factory.toEvent(message("{\"a\":".repeat(100) + "1" + "}".repeat(100), "ce-type", "a.b")))
                .isInstanceOf(RejectedEventException.class).hasMessageContaining("nesting depth");
    }
}
