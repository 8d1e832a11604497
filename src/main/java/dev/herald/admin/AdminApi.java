package dev.herald.admin;

import static dev.herald.http.Requests.jsonBody;
import static dev.herald.http.Requests.path;
import static dev.herald.http.Requests.query;
import static dev.herald.http.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.Publisher;
import dev.herald.deliver.Admission;
import dev.herald.event.EventFactory;
import dev.herald.http.Auth;
import dev.herald.http.HttpProblem;
import dev.herald.http.HttpResponses;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.store.AdminQueries;
import dev.herald.deliver.SubscriptionHealth;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import jakarta.jms.ConnectionFactory;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * The admin API under {@code /api} (docs/openapi.yaml): read what happened to every event, replay
 * dead letters, re-send events, read and re-drive rejected input, and manage subscriptions. Every
 * call needs an admin key.
 */
public final class AdminApi {

    static final int MAX_LIMIT = 500;

    private final Auth auth;
    private final AdminQueries queries;
    private final SubscriptionRegistry subscriptions;
    private final Replays replays;
    private final Admission admission;
    private final RejectedQueue rejected;
    private final Redrives redrives;

    public AdminApi(Auth auth, AdminQueries queries, SubscriptionRegistry subscriptions, Replays replays, Admission admission,
                    Rejected rejected) {
        this.auth = auth;
        this.queries = queries;
        this.subscriptions = subscriptions;
        this.replays = replays;
        this.admission = admission;
        this.rejected = rejected.queue;
        this.redrives = rejected.redrives;
    }

    /** Rejected input on the broker: read it, and re-drive it to its source. */
    public static final class Rejected {
        private final RejectedQueue queue;
        private final Redrives redrives;

        public Rejected(ConnectionFactory connections, Publisher publisher, EventFactory events, HeraldMetrics metrics,
                        CamelContext context) {
            this.queue = new RejectedQueue(connections, context);
            this.redrives = new Redrives(queue, publisher, events, metrics, context);
        }
    }

    private void admin(Exchange exchange, int status, HttpResponses.Call call) {
        HttpResponses.serve(exchange, auth::admin, status, call);
    }

    public void listEvents(Exchange exchange) {
        admin(exchange, 200, ex -> {
            AdminQueries.Filter f = filter(ex);
            return page(queries.events(f), f);
        });
    }

    public void getEvent(Exchange exchange) {
        admin(exchange, 200, ex -> {
            Map<String, Object> e = found(queries.event(path(ex, "id")), "event", path(ex, "id"));
            e.put("deliveries", queries.deliveriesOf(path(ex, "id")));
            return e;
        });
    }

    public void listEventDeliveries(Exchange exchange) {
        admin(exchange, 200, ex -> {
            found(queries.event(path(ex, "id")), "event", path(ex, "id"));
            return Map.of("items", queries.deliveriesOf(path(ex, "id")));
        });
    }

    public void getDelivery(Exchange exchange) {
        admin(exchange, 200, ex -> {
            Map<String, Object> d = found(queries.delivery(path(ex, "id")), "delivery", path(ex, "id"));
            d.put("attempts", queries.attemptsOf(path(ex, "id")));
            return d;
        });
    }

    public void listDeliveryAttempts(Exchange exchange) {
        admin(exchange, 200, ex -> {
            found(queries.delivery(path(ex, "id")), "delivery", path(ex, "id"));
            return Map.of("items", queries.attemptsOf(path(ex, "id")));
        });
    }

    public void listDeadLetters(Exchange exchange) {
        admin(exchange, 200, ex -> {
            AdminQueries.Filter f = filter(ex);
            return page(queries.deadLetters(f), f);
        });
    }

    public void replayDeadLetter(Exchange exchange) {
        admin(exchange, 202, ex -> replays.one(path(ex, "id")));
    }

    public void replayDeadLetters(Exchange exchange) {
        admin(exchange, 200, ex -> {
            JsonNode body = jsonBody(ex);
            AdminQueries.Filter f = new AdminQueries.Filter(null, null, text(body, "subscription"), instant(text(body, "from"), "from"),
                    instant(text(body, "to"), "to"), false, body.path("limit").asInt(Replays.MAX_BULK), 0);
            if (f.subscription() == null && f.from() == null && f.to() == null) {
                throw new HttpProblem(400, "say which dead letters to replay: give \"subscription\" and/or a time window \"from\"/\"to\""
                        + " (ISO-8601), and \"dryRun\": true to count them first");
            }
            return replays.bulk(f, body.path("dryRun").asBoolean(false));
        });
    }

    public void listRejectedMessages(Exchange exchange) {
        admin(exchange, 200, ex -> rejected.page(rejectedFilter(query(ex, "route"), query(ex, "from"), query(ex, "to")),
                limit(ex), offset(ex)));
    }

    public void getRejectedMessage(Exchange exchange) {
        admin(exchange, 200, ex -> rejected.show(path(ex, "id")));
    }

    public void redriveRejectedMessage(Exchange exchange) {
        admin(exchange, 202, ex -> redrives.one(path(ex, "id")));
    }

    public void redriveRejectedMessages(Exchange exchange) {
        admin(exchange, 200, ex -> {
            JsonNode body = jsonBody(ex);
            RejectedQueue.Filter f = rejectedFilter(text(body, "route"), text(body, "from"), text(body, "to"));
            if (!f.any()) {
                throw new HttpProblem(400, "say which rejected messages to re-drive: give \"route\" and/or a time window \"from\"/\"to\""
                        + " (ISO-8601) of their rejection, and \"dryRun\": true to list them first");
            }
            int limit = body.path("limit").asInt(Redrives.MAX_BULK);
            if (limit < 1 || limit > Redrives.MAX_BULK) throw new HttpProblem(400, "limit must be 1-" + Redrives.MAX_BULK);
            return redrives.bulk(f, limit, body.path("dryRun").asBoolean(false));
        });
    }

    private static RejectedQueue.Filter rejectedFilter(String route, String from, String to) {
        return new RejectedQueue.Filter(route, instant(from, "from"), instant(to, "to"));
    }

    public void resendEvent(Exchange exchange) {
        admin(exchange, 202, ex -> {
            String sub = text(jsonBody(ex), "subscription");
            if (sub == null) throw new HttpProblem(400, "name the subscription to re-send to: {\"subscription\": \"acme-orders\"}");
            return replays.resend(path(ex, "id"), sub);
        });
    }

    public void listSubscriptions(Exchange exchange) {
        admin(exchange, 200, ex -> {
            Map<String, SubscriptionHealth.State> circuits = admission.circuitsNow();
            Map<String, AdminQueries.Waiting> waiting = queries.waiting();
            List<Map<String, Object>> items = new ArrayList<>();
            for (Subscription s : subscriptions.all()) items.add(describe(s, circuits.get(s.id()), waiting.get(s.id())));
            return Map.of("items", items);
        });
    }

    public void getSubscription(Exchange exchange) {
        admin(exchange, 200, ex -> describe(subscription(path(ex, "id"))));
    }

    public void disableSubscription(Exchange exchange) {
        admin(exchange, 200, ex -> {
            Subscription s = subscription(path(ex, "id"));
            String reason = text(jsonBody(ex), "reason");
            subscriptions.disable(s.id(), reason == null ? "disabled by an operator" : reason);
            return describe(s);
        });
    }

    public void enableSubscription(Exchange exchange) {
        admin(exchange, 200, ex -> {
            Subscription s = subscription(path(ex, "id"));
            boolean replay = jsonBody(ex).path("replay").asBoolean(false);
            java.time.Instant disabledSince = queries.disabledSince(s.id());
            subscriptions.enable(s.id());
            admission.reset(s.id());
            Map<String, Object> answer = describe(s);
            // What piled up while it was disabled, if asked: the deliveries that died (they were
            // pending when it was disabled), and the events it matched meanwhile but never got.
            if (replay) {
                Map<String, Object> replayed = new java.util.LinkedHashMap<>();
                replayed.put("deadLetters", replays.bulk(new AdminQueries.Filter(null, null, s.id(), null, null, false,
                        Replays.MAX_BULK, 0), false).get("count"));
                replayed.put("events", disabledSince == null ? 0 : replays.recover(s, disabledSince));
                answer.put("replayed", replayed);
            }
            return answer;
        });
    }

    public void testSubscription(Exchange exchange) {
        admin(exchange, 202, ex -> replays.test(subscription(path(ex, "id"))));
    }

    private Subscription subscription(String id) {
        return found(subscriptions.inForce(id), "subscription", id);
    }

    private Map<String, Object> describe(Subscription s) throws java.sql.SQLException {
        return describe(s, admission.circuitsNow().get(s.id()), queries.waitingOf(s.id()));
    }

    /**
     * @param circuit its circuit as the store has it (null: closed, no failure)
     * @param waiting its unfinished deliveries (null: none)
     */
    private Map<String, Object> describe(Subscription s, SubscriptionHealth.State circuit, AdminQueries.Waiting waiting) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("description", s.description());
        m.put("partner", s.partner());
        m.put("types", s.types().stream().map(t -> t.text()).toList());
        m.put("channel", s.channel());
        // Only a webhook's URL is shown: a Slack URL is a secret, other parameters may be.
        if ("webhook".equals(s.channel())) m.put("url", s.url().toString());
        m.put("filtered", s.filter() != null);
        m.put("ordered", s.ordered());
        m.put("retry", s.retry().toString());
        String reason = subscriptions.disabledReason(s.id());
        m.put("state", reason == null ? "enabled" : "disabled");
        if (reason != null) m.put("disabledReason", reason);
        m.put("circuit", circuit(circuit));
        AdminQueries.Waiting w = waiting == null ? AdminQueries.Waiting.NONE : waiting;
        m.put("queued", w.queued());
        m.put("deferred", w.deferred());
        return m;
    }

    /** A circuit as operators read it: closed or open, since when, and when the next probe may go. */
    public static Map<String, Object> circuit(SubscriptionHealth.State st) {
        Map<String, Object> m = new LinkedHashMap<>();
        SubscriptionHealth.Circuit state = st == null ? SubscriptionHealth.Circuit.CLOSED : st.circuit();
        m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        m.put("failures", st == null ? 0 : st.failures());
        m.put("failingSince", st == null ? null : iso(st.failingSince()));
        m.put("openSince", st == null ? null : iso(st.openedAt()));
        m.put("nextProbeAt", st == null ? null : iso(st.openUntil()));
        return m;
    }

    private static String iso(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }

    private static Map<String, Object> page(List<Map<String, Object>> items, AdminQueries.Filter f) {
        int limit = f.limit();
        int offset = f.offset();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("limit", limit);
        m.put("offset", offset);
        m.put("nextOffset", items.size() < limit ? null : offset + limit);
        return m;
    }

    private static AdminQueries.Filter filter(Exchange ex) {
        return new AdminQueries.Filter(query(ex, "type"), query(ex, "source"), query(ex, "subscription"),
                instant(query(ex, "from"), "from"), instant(query(ex, "to"), "to"), "true".equals(query(ex, "includeReplayed")),
                limit(ex), offset(ex));
    }

    private static int limit(Exchange ex) {
        int n = integer(query(ex, "limit"), "limit", 50);
        if (n < 1 || n > MAX_LIMIT) throw new HttpProblem(400, "limit must be 1-" + MAX_LIMIT);
        return n;
    }

    private static int offset(Exchange ex) {
        int n = integer(query(ex, "offset"), "offset", 0);
        if (n < 0) throw new HttpProblem(400, "offset must be 0 or more");
        return n;
    }

    private static int integer(String v, String name, int dflt) {
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new HttpProblem(400, name + " '" + v + "' is not a whole number");
        }
    }

    static Instant instant(String v, String name) {
        if (v == null) return null;
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new HttpProblem(400, name + " '" + v + "' is not an ISO-8601 instant such as 2026-11-27T09:00:00Z");
        }
    }

    static <T> T found(T value, String what, String id) {
        if (value == null) throw new HttpProblem(404, "no " + what + " with id '" + id + "'");
        return value;
    }
}
