package dev.herald.health;

import dev.herald.store.Store;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Ready only while the store answers: without it nothing can be claimed, dispatched or shown. */
public final class StoreReadiness extends AbstractHealthCheck {

    private final Store store;

    public StoreReadiness(Store store) {
        super("herald", "store");
        this.store = store;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (store.reachable()) {
            builder.up();
        } else {
            builder.message("the store (herald.store.url) does not answer").down();
        }
    }
}
