package dev.herald.admin;

import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.Publisher;
import dev.herald.event.CloudEvent;
import dev.herald.event.EventFactory;
import dev.herald.event.Json;
import dev.herald.event.RejectedEventException;
import dev.herald.ingress.RejectedInput;
import dev.herald.ingress.RejectedInput.Source;
import dev.herald.http.HttpProblem;
import dev.herald.metrics.HeraldMetrics;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.DefaultJmsKeyFormatStrategy;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends rejected input back where it came from, once whatever refused it is fixed, taking it off
 * {@code herald.rejected} in the same JMS transaction (a consumer selecting exactly that message):
 * <ul>
 *   <li>from a JMS queue: back onto that queue, through its (fixed) route;</li>
 *   <li>from Kafka or {@code POST /events}: through accept, the checks it failed, straight onto
 *       {@code herald.events}. Herald does not write into a producer's topic (every other consumer
 *       group would read the record twice), and POST /events has no queue to go back to.</li>
 * </ul>
 * The body and the producer's properties (eventId, JMSXGroupID, ce_* attributes, Kafka's topic,
 * partition, offset and key) go with it unchanged, so it is the same event it would have been;
 * Herald's {@code herald_*} properties stay behind. Input that accept still refuses stays where it
 * is, with the reason.
 */
final class Redrives {

    private static final Logger LOG = LoggerFactory.getLogger(Redrives.class);
    static final int MAX_BULK = 10_000;
    /** Messages re-driven per transaction in bulk. */
    private static final int CHUNK = 100;
    /** How long to wait for a message the browser has just seen. */
    private static final long RECEIVE_MILLIS = 2000;
    private static final DefaultJmsKeyFormatStrategy KEYS = new DefaultJmsKeyFormatStrategy();

    /** One message and where it goes: a queue (JMS origin), or through accept onto herald.events. */
    record Plan(String id, String selector, Source source, boolean throughAccept, String to) {
        Map<String, Object> item() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("to", to);
            return m;
        }
    }

    private final RejectedQueue rejected;
    private final Publisher publisher;
    private final EventFactory events;
    private final HeraldMetrics metrics;
    private final CamelContext context;

    Redrives(RejectedQueue rejected, Publisher publisher, EventFactory events, HeraldMetrics metrics, CamelContext context) {
        this.rejected = rejected;
        this.publisher = publisher;
        this.events = events;
        this.metrics = metrics;
        this.context = context;
    }

    Map<String, Object> one(String id) throws Exception {
        String selector = RejectedQueue.selector(id);
        Plan[] plan = {null};
        rejected.browse(selector, m -> {
            plan[0] = plan(m, selector);
            return false;
        });
        AdminApi.found(plan[0], "rejected message", id);
        List<CloudEvent> accepted = new ArrayList<>();
        try {
            publisher.send(List.of(), session -> {
                if (!take(session, plan[0], accepted)) {
                    throw new HttpProblem(409, "rejected message " + id + " was taken off herald.rejected meanwhile (re-driven by someone else?)");
                }
            });
        } catch (RejectedEventException e) {
            // Accept took it when it was browsed, and refuses it now: the catalog changed in between.
            throw new HttpProblem(422, "accept refuses rejected message " + id + ": " + e.getMessage() + "; it stays on herald.rejected");
        }
        accepted.forEach(e -> metrics.accepted(e.source(), e.type()));
        LOG.info("Re-drove rejected message {} (from {}) to {}", id, plan[0].source().text(), plan[0].to());
        return plan[0].item();
    }

    /**
     * The messages a filter selects, oldest first, up to {@code limit}: each re-driven (or, with
     * {@code dryRun}, only listed), or skipped with the reason it cannot be.
     */
    Map<String, Object> bulk(RejectedQueue.Filter filter, int limit, boolean dryRun) throws Exception {
        List<Plan> plans = new ArrayList<>();
        List<Map<String, Object>> skipped = new ArrayList<>();
        rejected.browse(filter.selector(), m -> {
            if (plans.size() + skipped.size() >= limit) return false;
            String id = RejectedQueue.id(m);
            try {
                plans.add(plan(m, RejectedQueue.selector(id)));
            } catch (HttpProblem cannot) {
                skipped.add(skip(id, cannot.getMessage()));
            }
            return true;
        });
        List<Map<String, Object>> items = new ArrayList<>();
        if (dryRun) {
            plans.forEach(p -> items.add(p.item()));
        } else {
            for (int i = 0; i < plans.size(); i += CHUNK) {
                chunk(new ArrayList<>(plans.subList(i, Math.min(plans.size(), i + CHUNK))), items, skipped);
            }
            LOG.info("Re-drove {} rejected message(s) (route {}, from {}, to {}; {} skipped)", items.size(), filter.route(),
                    filter.from(), filter.to(), skipped.size());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dryRun", dryRun);
        answer.put("redriven", dryRun ? 0 : items.size());
        answer.put("items", items);
        answer.put("skipped", skipped);
        return answer;
    }

    /**
     * One transaction for a chunk. Accept was asked about each message when it was browsed; if it
     * now refuses one (its catalog changed meanwhile), the chunk is rolled back and done again without it.
     */
    private void chunk(List<Plan> chunk, List<Map<String, Object>> items, List<Map<String, Object>> skipped) throws JMSException {
        while (!chunk.isEmpty()) {
            List<Plan> done = new ArrayList<>();
            List<Plan> gone = new ArrayList<>();
            List<CloudEvent> accepted = new ArrayList<>();
            Plan[] current = {null};
            try {
                publisher.send(List.of(), session -> {
                    for (Plan p : chunk) {
                        current[0] = p;
                        if (take(session, p, accepted)) done.add(p); else gone.add(p);
                    }
                });
            } catch (RejectedEventException refused) {
                chunk.remove(current[0]);
                skipped.add(skip(current[0].id(), "accept still refuses it: " + refused.getMessage()));
                continue;
            }
            accepted.forEach(e -> metrics.accepted(e.source(), e.type()));
            done.forEach(p -> items.add(p.item()));
            gone.forEach(p -> skipped.add(skip(p.id(), "taken off herald.rejected meanwhile")));
            return;
        }
    }

    /** Where a message would go, or why it cannot; accept is asked now about input that goes through it. */
    private Plan plan(Message m, String selector) throws JMSException {
        String id = RejectedQueue.id(m);
        Source source = rejected.source(m);
        if (!(m instanceof TextMessage) && !(m instanceof BytesMessage)) {
            throw new HttpProblem(409, "rejected message " + id + " is a " + m.getClass().getSimpleName()
                    + "; Herald re-drives text and bytes messages, what its ingress takes");
        }
        switch (source.kind()) {
            case JMS -> {
                if (BrokerDefaults.QUEUES.contains(source.name()) || source.name().startsWith("herald.")) {
                    throw new HttpProblem(409, "rejected message " + id + " came from " + source.name()
                            + ", one of Herald's own queues; Herald re-drives input only to ingress queues");
                }
                return new Plan(id, selector, source, false, source.name());
            }
            case KAFKA, HTTP -> {
                try {
                    events.toEvent(asInput(m));
                } catch (RejectedEventException e) {
                    throw new HttpProblem(422, "rejected message " + id + " (from " + source.text() + ") goes back through accept,"
                            + " which still refuses it: " + e.getMessage() + "; it stays on herald.rejected");
                }
                return new Plan(id, selector, source, true, BrokerDefaults.EVENTS);
            }
            default -> throw new HttpProblem(409, "rejected message " + id + " came from " + source.name()
                    + ", which is not a JMS queue, a Kafka topic or POST /events; Herald cannot send it back there");
        }
    }

    /** Takes the message off herald.rejected and sends it on, in the session's transaction; false if it is gone. */
    private boolean take(Session session, Plan plan, List<CloudEvent> accepted) throws JMSException {
        Queue queue = session.createQueue(BrokerDefaults.REJECTED);
        try (MessageConsumer consumer = session.createConsumer(queue, plan.selector())) {
            Message m = consumer.receive(RECEIVE_MILLIS);
            if (m == null) return false;
            if (plan.throughAccept()) {
                CloudEvent event = events.toEvent(asInput(m));
                TextMessage out = session.createTextMessage(Json.string(event));
                if (event.orderingkey() != null) out.setStringProperty("JMSXGroupID", event.orderingkey());
                send(session, BrokerDefaults.EVENTS, out);
                accepted.add(event);
            } else {
                send(session, plan.to(), copy(session, m));
            }
            return true;
        }
    }

    private static void send(Session session, String queue, Message m) throws JMSException {
        try (MessageProducer p = session.createProducer(session.createQueue(queue))) {
            p.send(m);
        }
    }

    /** The message as its producer sent it: body, type, correlation id, type header and properties. */
    private static Message copy(Session session, Message m) throws JMSException {
        Message out;
        if (m instanceof TextMessage t) {
            out = session.createTextMessage(t.getText());
        } else {
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(RejectedQueue.bytes((BytesMessage) m)); // text or bytes: plan() saw to that
            out = bytes;
        }
        out.setJMSCorrelationID(m.getJMSCorrelationID());
        out.setJMSType(m.getJMSType());
        for (String name : producerProperties(m)) out.setObjectProperty(name, m.getObjectProperty(name));
        return out;
    }

    /** The input as an ingress route hands it to accept: its body and its properties as headers (kafka.TOPIC, ce_type, ...). */
    private org.apache.camel.Message asInput(Message m) throws JMSException {
        org.apache.camel.Message in = new DefaultMessage(context);
        if (m instanceof TextMessage t) {
            in.setBody(t.getText() == null ? new byte[0] : t.getText().getBytes(StandardCharsets.UTF_8));
        } else {
            in.setBody(RejectedQueue.bytes((BytesMessage) m)); // text or bytes: plan() saw to that
        }
        for (String name : producerProperties(m)) in.setHeader(KEYS.decodeKey(name), m.getObjectProperty(name));
        return in;
    }

    private static List<String> producerProperties(Message m) throws JMSException {
        List<String> names = new ArrayList<>();
        for (Object n : Collections.list(m.getPropertyNames())) {
            String name = n.toString();
            if (!RejectedQueue.internal(name) && !RejectedInput.OWN.contains(name)) names.add(name);
        }
        return names;
    }

    private static Map<String, Object> skip(String id, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("detail", detail);
        return m;
    }
}
