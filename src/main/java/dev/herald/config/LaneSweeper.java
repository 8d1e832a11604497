package dev.herald.config;

import dev.herald.store.OrderingLanes;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes ordering-lane heads that stayed parked longer than {@code afterMillis}: a lane's previous
 * head finished in the store but its process died before the broker commit that carried the wake.
 * Rare; without this the lane would wait forever.
 */
final class LaneSweeper implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LaneSweeper.class);

    private final OrderingLanes lanes;
    private final CamelContext context;
    private final long afterMillis;
    private ProducerTemplate producer;

    LaneSweeper(OrderingLanes lanes, CamelContext context, long afterMillis) {
        this.lanes = lanes;
        this.context = context;
        this.afterMillis = afterMillis;
    }

    long periodMillis() {
        return Math.max(1000, afterMillis / 2);
    }

    @Override
    public void run() {
        try {
            var stranded = lanes.strandedHeads(afterMillis, System.currentTimeMillis());
            if (stranded.isEmpty()) return;
            if (producer == null) producer = context.createProducerTemplate();
            for (String delivery : stranded) producer.sendBody("jms:queue:herald.deliveries", delivery);
            LOG.warn("Woke {} ordered delivery(ies) whose lane's previous delivery finished without waking them", stranded.size());
        } catch (Exception e) {
            LOG.warn("Ordering lane sweep failed (tried again later): {}", e.getMessage());
        }
    }
}
