package dev.herald.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.trace.Tracing;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Accept: turns whatever an ingress route hands over into one canonical {@link CloudEvent}, or
 * throws {@link RejectedEventException} with a reason a person can act on.
 *
 * <p>The body is either a structured CloudEvent (it has {@code specversion}) or the event's data, in
 * which case the attributes come from CloudEvents binary-mode headers set by the ingress route:
 * {@code ce-type}, {@code ce-source}, {@code ce-id}, {@code ce-subject}, {@code ce-orderingkey},
 * {@code ce-partnerid} ({@code ce_type} etc. also work, for JMS property names). Without a producer id, the id is derived
 * from the source position (JMS message id) so a redelivered source message is the same event.
 */
public final class EventFactory {

    private static final String KAFKA_MANUAL_COMMIT = "CamelKafkaManualCommit";

    static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_*-]+)*");
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final int MAX_ID = 256;
    private static final int MAX_TYPE = 128;

    /** The field that holds an XML element's text when the element also has attributes. */
    public static final String XML_TEXT = "value";

    private final int maxBytes;
    private final Clock clock;
    private final XmlMapper xml;
    private final EventCatalog catalog;
    private final Tracing tracing;

    public EventFactory(int maxBytes, Clock clock) {
        this(maxBytes, clock, EventCatalog.empty(), Tracing.off());
    }

    public EventFactory(int maxBytes, Clock clock, EventCatalog catalog, Tracing tracing) {
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.catalog = catalog;
        this.tracing = tracing;
        XMLInputFactory in = XMLInputFactory.newFactory();
        // No DTDs, no external entities: legacy XML is data, not instructions to the parser.
        in.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        in.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        // As for JSON (Json.MAPPER), nesting deeper than any real message is an attack. Woodstox, the
        // StAX parser under Jackson XML, counts element depth itself (Jackson's own limit does not apply).
        if (in.isPropertySupported("com.ctc.wstx.maxElementDepth")) in.setProperty("com.ctc.wstx.maxElementDepth", 64);
        // An element with attributes keeps its text under "value" (<Total currency="EUR">99.50</Total>
        // becomes {"currency": "EUR", "value": "99.50"}) instead of Jackson's default, an empty key.
        this.xml = new XmlMapper(XmlFactory.builder().xmlInputFactory(in).nameForTextElement(XML_TEXT).build());
    }

    /** The hardened XML mapper, for ingress routes' {@code jacksonXml} data format. */
    public XmlMapper xmlMapper() {
        return xml;
    }

    /**
     * Camel entry point (a bean step): makes the event, as JSON bytes, the exchange's body. Nothing of
     * the source's headers travels on: the message keeps only {@code herald_event_id}, the Kafka
     * offset handle to commit afterwards, and {@code JMSXGroupID} = the ordering key, so that the
     * broker hands one key's events to dispatch one at a time, in the order they were accepted.
     * Sets the body itself rather than returning it (as an expression Camel would copy the exchange
     * to call it) and clears the headers itself (removeHeaders with an exclude pattern compiles a
     * regex per message).
     */
    public void accept(Exchange exchange) {
        Message m = exchange.getMessage();
        CloudEvent event = traced(toEvent(m));
        Object kafkaCommit = m.getHeader(KAFKA_MANUAL_COMMIT);
        m.getHeaders().clear();
        if (kafkaCommit != null) m.setHeader(KAFKA_MANUAL_COMMIT, kafkaCommit);
        m.setHeader("herald_event_id", event.id());
        if (event.orderingkey() != null) m.setHeader("JMSXGroupID", event.orderingkey());
        exchange.setProperty(HeraldMetrics.EVENT_TYPE, event.type());
        exchange.setProperty(HeraldMetrics.EVENT_SOURCE, event.source());
        m.setBody(Json.bytes(event));
    }

    public CloudEvent toEvent(Message in) {
        JsonNode body = parseBody(in);
        CloudEvent event = body.isObject() && body.has("specversion") ? structured((ObjectNode) body) : binary(in, body);
        if (event.traceparent() != null) return event;
        // No distributed-tracing attributes: the transport's own W3C headers (JMS property, Kafka or HTTP header).
        return withTrace(event, text(in.getHeader("traceparent")), text(in.getHeader("tracestate")));
    }

    /** The accepted event in Herald's trace: the accept span's context (or the producer's, when tracing is off). */
    public CloudEvent traced(CloudEvent event) {
        Tracing.Trace t = tracing.accepted(new Tracing.Trace(event.traceparent(), event.tracestate()), event.id(), event.type(), event.source());
        return event.withTrace(t.traceparent(), t.tracestate());
    }

    /** A trace context that is not W3C's is dropped, not refused: tracing is the producer's option, the event is not. */
    private static CloudEvent withTrace(CloudEvent event, String traceparent, String tracestate) {
        if (traceparent == null || !TRACEPARENT.matcher(traceparent).matches()) return event.withTrace(null, null);
        return event.withTrace(traceparent, tracestate != null && tracestate.length() <= 512 ? tracestate : null);
    }

    private CloudEvent structured(ObjectNode node) {
        String spec = text(node, "specversion");
        if (!CloudEvent.SPEC_VERSION.equals(spec)) {
            throw new RejectedEventException("specversion is '" + spec + "'; Herald accepts CloudEvents 1.0 (\"specversion\": \"1.0\")");
        }
        String id = require(text(node, "id"), "id", "give the event an \"id\" attribute");
        String source = require(text(node, "source"), "source", "give the event a \"source\" attribute (a URI naming the producer)");
        String type = require(text(node, "type"), "type", "give the event a \"type\" attribute such as \"order.created\"");
        String contentType = text(node, "datacontenttype");
        if (contentType != null && !contentType.contains("json")) {
            throw new RejectedEventException("datacontenttype '" + contentType + "' is not supported; send JSON data (application/json)");
        }
        return withTrace(build(id, source, type, text(node, "subject"), text(node, "time"), text(node, "orderingkey"),
                        text(node, "partnerid"), node.get("data")),
                text(node, "traceparent"), text(node, "tracestate"));
    }

    private CloudEvent binary(Message in, JsonNode data) {
        String spec = header(in, "specversion");
        if (spec != null && !CloudEvent.SPEC_VERSION.equals(spec)) {
            throw new RejectedEventException("ce-specversion is '" + abbreviate(spec) + "'; Herald accepts CloudEvents 1.0 (ce-specversion: 1.0)");
        }
        String type = require(header(in, "type"), "type",
                "set the ce-type header in the ingress route, or send a structured CloudEvent with a \"type\" attribute");
        String source = header(in, "source");
        if (source == null) {
            String dest = in.getHeader("JMSDestination", String.class);
            String topic = in.getHeader("kafka.TOPIC", String.class);
            source = dest != null ? "herald:jms:" + dest.replaceFirst("^(ActiveMQQueue\\[|queue://)", "").replace("]", "")
                    : topic != null ? "herald:kafka:" + topic : "herald:unknown";
        }
        String id = header(in, "id");
        if (id == null) {
            id = derivedId(in, source);
        }
        String orderingKey = header(in, "orderingkey");
        if (orderingKey == null) orderingKey = text(in.getHeader("kafka.KEY"));
        return withTrace(build(id, source, type, header(in, "subject"), header(in, "time"), orderingKey, header(in, "partnerid"), data),
                header(in, "traceparent"), header(in, "tracestate"));
    }

    /**
     * Deterministic id from the source position (JMS message id, Kafka topic/partition/offset), so a
     * redelivered or re-read source message is the same event.
     */
    static String derivedId(Message in, String source) {
        String position = in.getHeader("JMSMessageID", String.class);
        if (position == null && in.getHeader("kafka.OFFSET") != null) {
            position = in.getHeader("kafka.TOPIC") + "/" + in.getHeader("kafka.PARTITION") + "/" + in.getHeader("kafka.OFFSET");
        }
        if (position == null) return UUID.randomUUID().toString();
        return UUID.nameUUIDFromBytes((source + "|" + position).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private CloudEvent build(String id, String source, String type, String subject, String time, String orderingKey, String partnerId,
                             JsonNode data) {
        if (id.length() > MAX_ID || id.chars().anyMatch(Character::isISOControl)) {
            throw new RejectedEventException("event id must be 1-" + MAX_ID + " printable characters");
        }
        if (!isUriReference(source)) {
            throw new RejectedEventException("source '" + abbreviate(source) + "' is not a URI-reference (RFC 3986);"
                    + " name the producer with a URI such as urn:shop:orders or https://shop.example/orders");
        }
        if (type.length() > MAX_TYPE || !TYPE.matcher(type).matches() || type.contains("*")) {
            throw new RejectedEventException("event type '" + abbreviate(type) + "' is not valid; use dot-separated words of letters, digits, '_' or '-', such as \"order.created\"");
        }
        if (time == null) {
            // Instant always writes the seconds RFC 3339 requires (OffsetDateTime drops them when they are zero).
            time = clock.instant().toString();
        } else {
            try {
                OffsetDateTime.parse(time);
            } catch (DateTimeParseException e) {
                throw new RejectedEventException("time '" + abbreviate(time) + "' is not an RFC 3339 timestamp such as 2026-11-27T09:30:00Z");
            }
        }
        if (partnerId != null && !CloudEvent.PARTNER_ID.matcher(partnerId).matches()) {
            throw new RejectedEventException("partnerid '" + abbreviate(partnerId) + "' is not a partner id: 1 to 63 lower-case letters,"
                    + " digits and '-', as the platform registered the partner (or leave it out for an event that is for no one partner)");
        }
        List<String> problems = catalog.check(type, data);
        if (!problems.isEmpty()) {
            throw new RejectedEventException("the data does not match the catalog's schema for " + type + ": "
                    + String.join("; ", problems) + " (see config/catalog.yaml)");
        }
        return new CloudEvent(CloudEvent.SPEC_VERSION, id, source, type, subject, time, "application/json", orderingKey, partnerId,
                null, null, data);
    }

    private JsonNode parseBody(Message in) {
        Object body = in.getBody();
        if (body instanceof JsonNode node) return node;
        if (body instanceof Map<?, ?> map) return Json.MAPPER.valueToTree(map);
        byte[] bytes = in.getBody(byte[].class);
        if (bytes == null || bytes.length == 0) {
            throw new RejectedEventException("the message is empty; send a JSON object (or XML) as the body");
        }
        if (bytes.length > maxBytes) {
            throw new RejectedEventException("the message is " + bytes.length + " bytes; the limit is " + maxBytes
                    + " (herald.accept.max-event-bytes)");
        }
        String text = utf8(bytes);
        String trimmed = text.stripLeading();
        try {
            if (trimmed.startsWith("<")) {
                return xml.readTree(text);
            }
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String kind = trimmed.startsWith("<") ? "XML" : "JSON";
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new RejectedEventException("the body is not valid " + kind + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new RejectedEventException("the body could not be read: " + e.getMessage(), e);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RejectedEventException("the body is not valid UTF-8 text");
        }
    }

    private static String header(Message in, String attribute) {
        Object v = in.getHeader("ce-" + attribute);
        if (v == null) v = in.getHeader("ce_" + attribute);
        return text(v);
    }

    /** A header value as text; Kafka record headers and keys arrive as bytes. */
    private static String text(Object v) {
        if (v == null) return null;
        String s = v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
        s = s.trim();
        return s.isEmpty() ? null : s;
    }

    /** A CloudEvents attribute of a structured event: the JSON format writes every one of Herald's as a string. */
    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            throw new RejectedEventException("attribute \"" + field + "\" must be a JSON string, such as \"" + field + "\": \""
                    + (v.isValueNode() ? abbreviate(v.asText()) : "...") + "\" (CloudEvents JSON format)");
        }
        String s = v.asText().trim();
        return s.isEmpty() ? null : s;
    }

    private static boolean isUriReference(String s) {
        try {
            new java.net.URI(s);
            return true;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String require(String value, String attribute, String fix) {
        if (value == null) {
            throw new RejectedEventException("the event has no " + attribute + "; " + fix);
        }
        return value;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
