package dev.herald.stream;

import dev.herald.deliver.Delivery;
import dev.herald.deliver.DeliveryAttempts;
import dev.herald.event.Json;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.store.StreamQueries;
import dev.herald.subscription.Durations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: removes what streams have kept longer than herald.streams.retention, oldest first, a
 * bounded batch per transaction. An event no consumer acknowledged becomes a dead letter (with a
 * {@code dead} attempt and the reason), so it is never dropped unseen; a broadcast consumer whose
 * position falls before what is kept is told so (410) when it next reads.
 */
public final class StreamRetention {

    private static final Logger LOG = LoggerFactory.getLogger(StreamRetention.class);
    private static final int BATCH = 500;

    private final StreamQueries queries;
    private final StreamSettings settings;
    private final HeraldMetrics metrics;

    public StreamRetention(StreamQueries queries, StreamSettings settings, HeraldMetrics metrics) {
        this.queries = queries;
        this.settings = settings;
        this.metrics = metrics;
    }

    public void run() throws Exception {
        long now = System.currentTimeMillis();
        String reason = "no consumer acknowledged it within the stream's retention window (" + Durations.format(settings.retention())
                + ", herald.streams.retention)";
        for (var e : queries.expiredThrough(now - settings.retention().toMillis()).entrySet()) {
            String subscription = e.getKey();
            long through = e.getValue();
            int unacked = 0;
            int all = 0;
            while (true) {
                List<StreamQueries.Expiring> batch = queries.oldest(subscription, through, BATCH);
                if (batch.isEmpty()) break;
                List<StreamQueries.Expiring> dead = batch.stream().filter(x -> !x.acked()).toList();
                Map<String, String> letters = new HashMap<>();
                for (StreamQueries.Expiring x : dead) {
                    Delivery d = new Delivery(x.deliveryId(), x.eventId(), subscription, x.handed() + 2, Json.tree(x.event()));
                    letters.put(x.deliveryId(), Json.tree(DeliveryAttempts.deadRecord(d, reason, now)).get("delivery").toString());
                }
                queries.trim(subscription, batch.get(batch.size() - 1).seq(), dead, letters, reason, now);
                metrics.streamExpired(subscription, batch.size() - dead.size(), dead.size());
                unacked += dead.size();
                all += batch.size();
            }
            if (unacked > 0) {
                LOG.warn("Stream {}: {} event(s) expired unacknowledged (now dead letters), {} in all", subscription, unacked, all);
            } else if (all > 0) {
                LOG.debug("Stream {}: {} acknowledged event(s) expired", subscription, all);
            }
        }
    }
}
