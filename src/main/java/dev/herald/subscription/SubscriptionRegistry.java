package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventCatalog;
import dev.herald.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.herald.event.TypePattern;

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
    private volatile String fileStamp = "";
    private final Map<String, Subscription> retired = new ConcurrentHashMap<>();
    private final Map<String, String> disabled = new ConcurrentHashMap<>();

    private final EventCatalog catalog;

    public SubscriptionRegistry(Path file, SubscriptionLoader loader, Store store, EventCatalog catalog) {
        this.catalog = catalog;
        this.file = file;
        this.loader = loader;
        this.store = store;
    }

    /** Loads the file; on any problem throws with every problem listed, keeping what was in force. */
    public void load() {
        List<Subscription> subs = loader.load(file);
        index = new SubscriptionIndex(subs);
        fileStamp = stamp();
        warnUncatalogued(subs);
        LOG.info("Loaded {} subscription(s) from {}", subs.size(), file);
    }

    /** A pattern that matches no catalogued type is most likely a typo: say so, but let it be. */
    private void warnUncatalogued(List<Subscription> subs) {
        for (Subscription s : subs) {
            for (TypePattern p : s.types()) {
                if (!catalog.covers(p)) {
                    LOG.warn("Subscription {}: type pattern '{}' matches no type in the event catalog; is it a typo? Catalogued: {}",
                            s.id(), p.text(), catalog.types());
                }
            }
        }
    }

    /**
     * Reloads the file if it changed since it was last read. A file with problems is refused — every
     * problem is logged — and the subscriptions in force keep serving; the next edit is tried again.
     * The swap is one reference: each event is matched against one whole version of the file.
     */
    public void reloadIfChanged() {
        String now = stamp();
        if (now.equals(fileStamp)) return;
        fileStamp = now;
        try {
            List<Subscription> subs = loader.load(file);
            SubscriptionIndex previous = index;
            index = new SubscriptionIndex(subs);
            warnUncatalogued(subs);
            // Deliveries dispatched before the edit still go to the subscription as it was then.
            for (Subscription old : previous.all()) {
                if (index.byId(old.id()) == null) retired.put(old.id(), old);
            }
            subs.forEach(sub -> retired.remove(sub.id()));
            LOG.info("Reloaded {} subscription(s) from {}", subs.size(), file);
        } catch (RuntimeException e) {
            LOG.error("Refused the edited {}; the previous {} subscription(s) stay in force. {}", file, index.size(), e.getMessage());
        }
    }

    private String stamp() {
        try {
            return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file) + "/" + Arrays.hashCode(Files.readAllBytes(file));
        } catch (IOException e) {
            return "unreadable";
        }
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

    /** The subscription in force, or — for deliveries dispatched before it was removed — as it was. */
    public Subscription byId(String id) {
        Subscription s = index.byId(id);
        return s != null ? s : retired.get(id);
    }

    /** The subscription in force in the file now (not one that was removed), or null. */
    public Subscription inForce(String id) {
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

    public void enable(String id) throws SQLException {
        store.setSubscriptionEnabled(id, true, null);
        disabled.remove(id);
        LOG.info("Subscription {} enabled", id);
    }

    /** The subscriptions in force, in file order. */
    public List<Subscription> all() {
        return List.copyOf(index.all());
    }

    /** How many subscriptions in force are disabled. */
    public int disabledCount() {
        return (int) index.all().stream().filter(s -> disabled.containsKey(s.id())).count();
    }
}
