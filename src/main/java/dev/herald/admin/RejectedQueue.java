package dev.herald.admin;

import dev.herald.broker.BrokerDefaults;
import dev.herald.ingress.RejectedInput;
import dev.herald.ingress.RejectedInput.Source;
import dev.herald.http.HttpProblem;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.util.URISupport;

/**
 * Reads {@code herald.rejected} without taking anything off it: the broker is the home of rejected
 * input (its only copy). Pages are read with a queue browser in queue order - oldest first - and
 * only the page's summaries are kept, so a deep queue is paged through without holding its bodies.
 *
 * <p>A message's id is its {@code herald_rejected_id}; one rejected before Herald set that (an older
 * version) is named by its JMS message id, as {@code jms-} and the id in URL-safe base64.
 */
final class RejectedQueue {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    private static final String BY_MESSAGE_ID = "jms-";

    /** Which rejected messages: by route and by the time they were rejected ({@code from} inclusive, {@code to} exclusive). */
    record Filter(String route, Instant from, Instant to) {
        boolean any() {
            return route != null || from != null || to != null;
        }

        /** The filter as a JMS selector (null: every message); the broker applies it while browsing. */
        String selector() {
            List<String> parts = new ArrayList<>();
            if (route != null) parts.add(Selectors.eq(RejectedInput.ROUTE, route));
            if (from != null) parts.add("JMSTimestamp >= " + from.toEpochMilli());
            if (to != null) parts.add("JMSTimestamp < " + to.toEpochMilli());
            return parts.isEmpty() ? null : String.join(" AND ", parts);
        }
    }

    /** What a browse does with each message; false stops it. */
    interface Visitor {
        boolean visit(Message m) throws JMSException;
    }

    private final ConnectionFactory connections;
    private final CamelContext context;

    RejectedQueue(ConnectionFactory connections, CamelContext context) {
        this.connections = connections;
        this.context = context;
    }

    Map<String, Object> page(Filter filter, int limit, int offset) throws JMSException {
        List<Map<String, Object>> items = new ArrayList<>();
        int[] seen = {0};
        boolean[] more = {false};
        browse(filter.selector(), m -> {
            if (seen[0] >= offset + limit) {
                more[0] = true;
                return false;
            }
            if (seen[0]++ >= offset) items.add(summary(m));
            return true;
        });
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", items);
        page.put("limit", limit);
        page.put("offset", offset);
        page.put("nextOffset", more[0] ? offset + limit : null);
        return page;
    }

    /** One message whole: the summary, its body and its properties; 404 when there is none with this id. */
    Map<String, Object> show(String id) throws JMSException {
        Map<String, Object> out = new LinkedHashMap<>();
        browse(selector(id), m -> {
            out.putAll(summary(m));
            Body body = body(m);
            out.put("bodyType", body.type());
            out.put("bodyEncoding", body.encoding());
            out.put("body", body.text());
            out.put("properties", properties(m));
            return false;
        });
        return AdminApi.found(out.isEmpty() ? null : out, "rejected message", id);
    }

    /** Browses the messages a selector matches (null: all), in queue order. */
    void browse(String selector, Visitor visitor) throws JMSException {
        try (Connection c = connections.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            c.start();
            try (QueueBrowser browser = s.createBrowser(s.createQueue(BrokerDefaults.REJECTED), selector)) {
                for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                    if (!visitor.visit((Message) e.nextElement())) return;
                }
            }
        }
    }

    /** The selector for exactly the message with this id; 400 when it cannot be an id. */
    static String selector(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new HttpProblem(400, "'" + id + "' is not the id of a rejected message; GET /api/rejected lists them with their ids");
        }
        if (id.startsWith(BY_MESSAGE_ID)) {
            try {
                String messageId = new String(Base64.getUrlDecoder().decode(id.substring(BY_MESSAGE_ID.length())), StandardCharsets.UTF_8);
                return Selectors.eq("JMSMessageID", messageId);
            } catch (IllegalArgumentException e) {
                throw new HttpProblem(400, "'" + id + "' is not the id of a rejected message; GET /api/rejected lists them with their ids");
            }
        }
        return Selectors.eq(RejectedInput.ID, id);
    }

    static String id(Message m) throws JMSException {
        String id = m.getStringProperty(RejectedInput.ID);
        if (id != null) return id;
        return BY_MESSAGE_ID + Base64.getUrlEncoder().withoutPadding().encodeToString(m.getJMSMessageID().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Where the message came from: its {@code herald_source}; for one rejected by an older Herald,
     * worked out from its route (POST /events, the Kafka topic it carries, or the queue its route reads).
     */
    Source source(Message m) throws JMSException {
        Source recorded = Source.parse(m.getStringProperty(RejectedInput.SOURCE));
        if (recorded != null) return recorded;
        String route = m.getStringProperty(RejectedInput.ROUTE);
        if (RejectedInput.HTTP_ROUTE.equals(route)) return Source.HTTP;
        String topic = m.getStringProperty("kafka_DOT_TOPIC");
        if (topic != null) return new Source(Source.Kind.KAFKA, topic);
        Route r = route == null ? null : context.getRoute(route);
        if (r == null) return new Source(Source.Kind.OTHER, route == null ? "unknown" : "route " + route);
        String uri = r.getEndpoint().getEndpointUri();
        var queue = Pattern.compile("^jms:(//)?(queue:)?([^?:]+)(\\?.*)?$").matcher(uri);
        return queue.matches() ? new Source(Source.Kind.JMS, queue.group(3)) : new Source(Source.Kind.OTHER, URISupport.sanitizeUri(uri));
    }

    private Map<String, Object> summary(Message m) throws JMSException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", id(m));
        s.put("route", m.getStringProperty(RejectedInput.ROUTE));
        s.put("source", source(m).text());
        s.put("reason", m.getStringProperty(RejectedInput.REASON));
        s.put("rejectedAt", Instant.ofEpochMilli(m.getJMSTimestamp()).toString());
        s.put("sizeBytes", size(m));
        return s;
    }

    private static long size(Message m) throws JMSException {
        if (m instanceof TextMessage t) return t.getText() == null ? 0 : t.getText().getBytes(StandardCharsets.UTF_8).length;
        if (m instanceof BytesMessage b) return b.getBodyLength();
        return 0;
    }

    /** A body as the API shows it: text as it is; bytes as text when they are UTF-8, else base64. */
    record Body(String type, String encoding, String text) {}

    static Body body(Message m) throws JMSException {
        if (m instanceof TextMessage t) return new Body("text", "utf-8", t.getText());
        if (m instanceof BytesMessage b) {
            byte[] bytes = bytes(b);
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
                return new Body("bytes", "utf-8", text);
            } catch (CharacterCodingException e) {
                return new Body("bytes", "base64", Base64.getEncoder().encodeToString(bytes));
            }
        }
        // Map, object and stream messages: Herald's ingress takes text and bytes; nothing to show.
        return new Body("other", null, null);
    }

    static byte[] bytes(BytesMessage b) throws JMSException {
        b.reset();
        byte[] bytes = new byte[(int) b.getBodyLength()];
        b.readBytes(bytes);
        return bytes;
    }

    /**
     * The broker's own properties, not the producer's: Artemis' internal ones, provider-set JMSX
     * properties and vendor JMS_ ones. JMSXGroupID and JMSXGroupSeq are the producer's.
     */
    static boolean internal(String name) {
        if (name.equals("JMSXGroupID") || name.equals("JMSXGroupSeq")) return false;
        return name.startsWith("_AMQ") || name.startsWith("__AMQ") || name.startsWith("JMSX") || name.startsWith("JMS_");
    }

    /** Its properties (the producer's and Herald's), without the broker's internal ones. */
    static Map<String, Object> properties(Message m) throws JMSException {
        Map<String, Object> out = new TreeMap<>();
        for (Object n : Collections.list(m.getPropertyNames())) {
            String name = n.toString();
            if (internal(name)) continue;
            out.put(name, m.getObjectProperty(name));
        }
        return out;
    }
}
