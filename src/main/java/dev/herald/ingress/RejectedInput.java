package dev.herald.ingress;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.util.URISupport;

/**
 * What Herald keeps with input it refused, as properties of its message on {@code herald.rejected}:
 * why, which route, an id for the admin API, and where the input came from, so that it can be
 * re-driven there once the route is fixed. Everything else on the message is the producer's.
 */
public final class RejectedInput {

    public static final String REASON = "herald_reason";
    public static final String ROUTE = "herald_route";
    /** Herald's id of the rejected message: opaque, URL-safe, set once when it is rejected. */
    public static final String ID = "herald_rejected_id";
    public static final String SOURCE = "herald_source";
    /** Herald's own properties of a rejected message: a re-drive leaves them behind. */
    public static final Set<String> OWN = Set.of(REASON, ROUTE, ID, SOURCE);
    /** The route name IngestApi gives input refused by POST /events. */
    public static final String HTTP_ROUTE = "http-ingest";

    /** Where a rejected input came from, written as {@code kind:name}: {@code jms:legacy.orders}, {@code kafka:platform.events}. */
    public record Source(Kind kind, String name) {

        public enum Kind { JMS, KAFKA, HTTP, OTHER }

        public static final Source HTTP = new Source(Kind.HTTP, "POST /events");

        public String text() {
            return kind.name().toLowerCase(Locale.ROOT) + ":" + name;
        }

        /** The text written by {@link #text}; null if it is not one. */
        public static Source parse(String text) {
            if (text == null) return null;
            int colon = text.indexOf(':');
            if (colon < 1 || colon == text.length() - 1) return null;
            for (Kind k : Kind.values()) {
                if (k.name().equalsIgnoreCase(text.substring(0, colon))) return new Source(k, text.substring(colon + 1));
            }
            return null;
        }
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** The properties of input refused by POST /events: its binary-mode attributes as {@code ce_*}, so a re-drive reads them again. */
    public static Map<String, String> ofHttp(String reason, Map<String, String> ceAttributes) {
        Map<String, String> p = new LinkedHashMap<>(ceAttributes);
        p.put(REASON, reason);
        p.put(ROUTE, HTTP_ROUTE);
        p.put(ID, newId());
        p.put(SOURCE, Source.HTTP.text());
        return p;
    }

    /**
     * The reject route's step, on the original input message: its id and its source. Kafka record
     * headers arrive as bytes, which a JMS property cannot hold (the JMS producer would drop them):
     * they are kept as text, so the CloudEvents attributes ({@code ce_type}, ...) stay with the input.
     */
    public void mark(Exchange exchange) {
        Message m = exchange.getMessage();
        Map<String, Object> text = new LinkedHashMap<>();
        for (var h : m.getHeaders().entrySet()) {
            if (h.getValue() instanceof byte[] bytes) text.put(h.getKey(), utf8(bytes));
        }
        text.forEach((k, v) -> {
            if (v == null) m.removeHeader(k); else m.setHeader(k, v);
        });
        m.setHeader(ID, newId());
        m.setHeader(SOURCE, sourceOf(exchange.getFromEndpoint(), m).text());
    }

    static Source sourceOf(Endpoint from, Message m) {
        String uri = from == null ? "" : from.getEndpointUri();
        String scheme = uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : uri;
        if (scheme.equals("jms") && m.getHeader("JMSDestination") instanceof jakarta.jms.Queue q) {
            try {
                return new Source(Source.Kind.JMS, q.getQueueName());
            } catch (jakarta.jms.JMSException e) {
                // the destination cannot say its name: named by the endpoint below
            }
        }
        String topic = m.getHeader("kafka.TOPIC", String.class);
        if (scheme.equals("kafka") && topic != null) return new Source(Source.Kind.KAFKA, topic);
        return new Source(Source.Kind.OTHER, uri.isEmpty() ? "unknown" : URISupport.sanitizeUri(uri));
    }

    /** Bytes as text when they are UTF-8; null (the header is dropped) when not. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
