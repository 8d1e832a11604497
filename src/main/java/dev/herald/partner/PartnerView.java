package dev.herald.partner;

import static dev.herald.http.Requests.path;
import static dev.herald.http.Requests.query;

import dev.herald.admin.AdminApi;
import dev.herald.admin.AttemptSeries;
import dev.herald.admin.Replays;
import dev.herald.deliver.Admission;
import dev.herald.http.Auth;
import dev.herald.http.HttpProblem;
import dev.herald.store.AdminQueries;
import dev.herald.store.DeliveryStatus;
import dev.herald.store.PartnerQueries;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The partner's view under {@code /partner/v1}: its deliveries with every attempt (status, latency,
 * the receiver's answer), its dead letters and their replay, each endpoint's health, and a test
 * event on demand. Only its own: another partner's delivery or dead letter is "not found".
 */
public final class PartnerView {

    private final Auth auth;
    private final PartnerQueries partnerQueries;
    private final AdminQueries queries;
    private final Replays replays;
    private final SubscriptionRegistry registry;
    private final Admission admission;
    private final QueueQuota quota;

    public PartnerView(Auth auth, PartnerQueries partnerQueries, AdminQueries queries, Replays replays, SubscriptionRegistry registry,
                       Admission admission, QueueQuota quota) {
        this.auth = auth;
        this.partnerQueries = partnerQueries;
        this.queries = queries;
        this.replays = replays;
        this.registry = registry;
        this.admission = admission;
        this.quota = quota;
    }

    /** Newest first; {@code subscription}, {@code status}, {@code limit}, {@code after} (the previous page's {@code next}). */
    public void listDeliveries(Exchange exchange) {
        PartnerApi.serve(exchange, auth, 200, (ex, partnerId) -> {
            String status = query(ex, "status");
            if (status != null && Arrays.stream(DeliveryStatus.values()).noneMatch(v -> v.value().equals(status))) {
                throw new HttpProblem(400, "status '" + status + "' is not one of " + Arrays.stream(DeliveryStatus.values())
                        .map(DeliveryStatus::value).toList());
            }
            return page(() -> partnerQueries.deliveries(partnerId, subscription(ex, partnerId), status, query(ex, "after"),
                    SubscriptionApi.limit(query(ex, "limit"))));
        });
    }

    /** One delivery: its state, every attempt, and the event as it was sent. */
    public void getDelivery(Exchange exchange) {
        PartnerApi.serve(exchange, auth, 200, (ex, partnerId) -> {
            String id = path(ex, "id");
            Map<String, Object> d = queries.delivery(id);
            if (d == null || !PartnerApi.mine(partnerId, (String) d.get("subscriptionId"))) {
                throw new HttpProblem(404, "you have no delivery '" + id + "'");
            }
            d.put("attempts", queries.attemptsOf(id));
            d.put("event", queries.eventPayload((String) d.get("eventId")));
            return d;
        });
    }

    public void listDeadLetters(Exchange exchange) {
        PartnerApi.serve(exchange, auth, 200, (ex, partnerId) -> page(() -> partnerQueries.deadLetters(partnerId,
                subscription(ex, partnerId), query(ex, "after"), SubscriptionApi.limit(query(ex, "limit")))));
    }

    /** The dead delivery again, same webhook-id, with a whole retry schedule. */
    public void replayDeadLetter(Exchange exchange) {
        PartnerApi.serve(exchange, auth, 202, (ex, partnerId) -> {
            String id = path(ex, "id");
            Map<String, Object> dl = queries.deadLetter(id);
            if (dl == null || !PartnerApi.mine(partnerId, (String) dl.get("subscriptionId"))) {
                throw new HttpProblem(404, "you have no dead letter '" + id + "'");
            }
            quota.check(partnerId);
            return replays.one(id);
        });
    }

    /** How the endpoint fares: enabled or why not, its circuit, what waits, success rate and latency over the last hour and day. */
    public void getSubscriptionHealth(Exchange exchange) {
        PartnerApi.serve(exchange, auth, 200, (ex, partnerId) -> {
            Subscription s = SubscriptionApi.inForce(registry, partnerId, path(ex, "id"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            String disabled = registry.disabledReason(s.id());
            m.put("enabled", disabled == null);
            m.put("disabledReason", disabled);
            m.put("circuit", AdminApi.circuit(admission.circuitsNow().get(s.id())));
            AdminQueries.Waiting w = queries.waitingOf(s.id());
            m.put("queued", w.queued());
            m.put("deferred", w.deferred());
            Instant now = Instant.now();
            m.put("lastHour", stats(partnerQueries.stats(s.id(), now.minus(Duration.ofHours(1)))));
            m.put("lastDay", stats(partnerQueries.stats(s.id(), now.minus(Duration.ofDays(1)))));
            return m;
        });
    }

    /**
     * The endpoint over time, for the portal's charts: the last {@code hours} (1-168, default 24) in
     * 24 buckets, each with its attempts succeeded and failed and their latency p50 and p99.
     */
    public void getSubscriptionStats(Exchange exchange) {
        PartnerApi.serve(exchange, auth, 200, (ex, partnerId) -> {
            Subscription s = SubscriptionApi.inForce(registry, partnerId, path(ex, "id"));
            int hours = AttemptSeries.hours(query(ex, "hours"));
            Instant now = Instant.now();
            return AttemptSeries.of(queries.attempts(s.id(), now.minus(Duration.ofHours(hours)), AttemptSeries.MOST_POINTS),
                    now, Duration.ofHours(hours), 24);
        });
    }

    /** A herald.test event to this endpoint alone, signed and recorded like any delivery. */
    public void testSubscription(Exchange exchange) {
        PartnerApi.serve(exchange, auth, 202, (ex, partnerId) -> {
            Subscription s = SubscriptionApi.inForce(registry, partnerId, path(ex, "id"));
            quota.check(partnerId);
            return replays.test(s);
        });
    }

    private static Map<String, Object> stats(PartnerQueries.Stats st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempts", st.attempts());
        m.put("succeeded", st.succeeded());
        m.put("successRate", st.attempts() == 0 ? null : (double) st.succeeded() / st.attempts());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", st.p50());
        latency.put("p95", st.p95());
        latency.put("p99", st.p99());
        m.put("latencyMs", latency);
        return m;
    }

    /** The {@code subscription} filter: one of the partner's, or none. */
    private String subscription(Exchange ex, String partnerId) {
        String id = query(ex, "subscription");
        if (id != null && !PartnerApi.mine(partnerId, id)) throw SubscriptionApi.notFound(id);
        return id;
    }

    private interface PageQuery {
        PartnerQueries.Page run() throws Exception;
    }

    private static Map<String, Object> page(PageQuery q) throws Exception {
        PartnerQueries.Page p;
        try {
            p = q.run();
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(400, "after: " + e.getMessage());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", p.items());
        m.put("next", p.next());
        return m;
    }
}
