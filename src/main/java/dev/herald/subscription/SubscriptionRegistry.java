package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.store.Store;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions in force: the file's contents, indexed by type, plus their state (a
 * subscription disabled by a 410 stays disabled across restarts and instances, via the store).
 */
public final class SubscriptionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRegistry.class);

    private final Path file;
    private final SubscriptionLoader loader;
    private final Store store;
    private volatile SubscriptionIndex index = new SubscriptionIndex(List.of());
    private final Map<String, String> disabled = new ConcurrentHashMap<>();

    public SubscriptionRegistry(Path file, SubscriptionLoader loader, Store store) {
        this.file = file;
        this.loader = loader;
        this.store = store;
    }

    /** Loads the file; on any problem throws with every problem listed, keeping what was in force. */
    public void load() {
        List<Subscription> subs = loader.load(file);
        index = new SubscriptionIndex(subs);
        LOG.info("Loaded {} subscription(s) from {}", subs.size(), file);
    }

    /** Re-reads which subscriptions are disabled (another instance may have disabled one). */
    public void refreshState() {
        try {
            Map<String, String> now = store.disabledSubscriptions();
            disabled.keySet().retainAll(now.keySet());
            disabled.putAll(now);
        } catch (SQLException e) {
            LOG.warn("Could not read subscription state from the store (keeping the last known): {}", e.getMessage());
        }
    }

    /** Enabled subscriptions whose types and filter match the event. */
    public List<Subscription> match(String type, JsonNode event) {
        return index.candidates(type).stream()
                .filter(s -> !disabled.containsKey(s.id()))
                .filter(s -> s.filter() == null || s.filter().matches(event))
                .toList();
    }

    public Subscription byId(String id) {
        return index.byId(id);
    }

    /** Why a subscription is disabled, or null while it is enabled. */
    public String disabledReason(String id) {
        return disabled.get(id);
    }

    public void disable(String id, String reason) throws SQLException {
        store.setSubscriptionEnabled(id, false, reason);
        disabled.put(id, reason);
        LOG.warn("Subscription {} disabled: {}", id, reason);
    }
}
