package dev.herald.deliver;

import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes ordering-lane heads that stayed parked longer than {@code afterMillis}: a lane's previous
 * head finished in the store but its process died before the broker commit that carried the wake.
 * Rare; without this the lane would wait forever.
 */
public final class LaneSweeper implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LaneSweeper.class);

    private final OrderingLanes lanes;
    private final Publisher publisher;
    private final long afterMillis;

    public LaneSweeper(OrderingLanes lanes, Publisher publisher, long afterMillis) {
        this.lanes = lanes;
        this.publisher = publisher;
        this.afterMillis = afterMillis;
    }

    public long periodMillis() {
        return Math.max(1000, afterMillis / 2);
    }

    @Override
    public void run() {
        try {
            var stranded = lanes.strandedHeads(afterMillis, System.currentTimeMillis());
            if (stranded.isEmpty()) return;
            publisher.send(stranded.stream().map(d -> new Publisher.Outgoing(BrokerDefaults.DELIVERIES, d)).toList());
            LOG.warn("Woke {} ordered delivery(ies) whose lane's previous delivery finished without waking them", stranded.size());
        } catch (Exception e) {
            LOG.warn("Ordering lane sweep failed (tried again later): {}", e.getMessage());
        }
    }
}
