package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventCatalog;
import dev.herald.event.TypePattern;
import dev.herald.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions in force, indexed by type, plus their state (a subscription disabled by a 410
 * stays disabled across restarts and instances, via the store). Two sources: the file (the
 * platform's own, edited by integrators) and the store (partners', made over the partner API). A
 * partner's subscription only ever matches what the catalog lets partners have: an event that names
 * that partner ({@code partnerid}) of a type for partners, or an event naming no partner of a
 * {@code broadcast} type. Matching looks only at the candidates: the file's index, and for a scoped
 * event the one partner's own index.
 */
public final class SubscriptionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRegistry.class);

    /** The subscriptions of one version of the file and one revision of the store, swapped as one reference. */
    private record InForce(SubscriptionIndex file, SubscriptionIndex partners, Map<String, SubscriptionIndex> byPartner,
                           Map<String, Subscription> byId, Map<String, String> paused) {

        static InForce of(SubscriptionIndex file, StoredSubscriptions.Loaded stored) {
            Map<String, Subscription> byId = new LinkedHashMap<>();
            file.all().forEach(s -> byId.put(s.id(), s));
            List<Subscription> active = new ArrayList<>();
            Map<String, List<Subscription>> perPartner = new HashMap<>();
            for (Subscription s : stored.subscriptions()) {
                if (byId.putIfAbsent(s.id(), s) != null) continue; // refused when made; the file's wins
                if (stored.paused().containsKey(s.id())) continue;
                active.add(s);
                perPartner.computeIfAbsent(s.partner(), k -> new ArrayList<>()).add(s);
            }
            Map<String, SubscriptionIndex> byPartner = new HashMap<>();
            perPartner.forEach((p, subs) -> byPartner.put(p, new SubscriptionIndex(subs)));
            return new InForce(file, new SubscriptionIndex(active), byPartner, byId, Map.copyOf(stored.paused()));
        }
    }

    private final Path file;
    private final SubscriptionLoader loader;
    private final Store store;
    private final EventCatalog catalog;
    private final StoredSubscriptions stored;
    private volatile InForce inForce = InForce.of(new SubscriptionIndex(List.of()), StoredSubscriptions.Loaded.NONE);
    private volatile String fileStamp = "";
    private volatile long storedRevision = Long.MIN_VALUE;
    private StoredSubscriptions.Loaded storedNow = StoredSubscriptions.Loaded.NONE;
    private final Map<String, Subscription> retired = new ConcurrentHashMap<>();
    private final Map<String, String> disabled = new ConcurrentHashMap<>();

    public SubscriptionRegistry(Path file, SubscriptionLoader loader, Store store, EventCatalog catalog) {
        this(file, loader, store, catalog, null);
    }

    /** @param stored the partners' subscriptions (null: the file's only) */
    public SubscriptionRegistry(Path file, SubscriptionLoader loader, Store store, EventCatalog catalog, StoredSubscriptions stored) {
        this.catalog = catalog;
        this.file = file;
        this.loader = loader;
        this.store = store;
        this.stored = stored;
    }

    /** Loads the file and the store; on any problem throws with every problem listed, keeping what was in force. */
    public synchronized void load() {
        List<Subscription> subs = loader.load(file);
        StoredSubscriptions.Loaded fromStore = readStore();
        List<String> clashes = clashes(subs, fromStore);
        if (!clashes.isEmpty()) throw new IllegalStateException(clashMessage(clashes));
        inForce = InForce.of(new SubscriptionIndex(subs), fromStore);
        storedNow = fromStore;
        fileStamp = stamp();
        warnUncatalogued(subs);
        LOG.info("Loaded {} subscription(s) from {}{}", subs.size(), file,
                stored == null ? "" : " and " + fromStore.subscriptions().size() + " partner subscription(s) from the store");
    }

    private StoredSubscriptions.Loaded readStore() {
        if (stored == null) return StoredSubscriptions.Loaded.NONE;
        try {
            storedRevision = stored.revision();
            return stored.load();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the partners' subscriptions from the store: " + e.getMessage(), e);
        }
    }

    /** Ids the file gives that a partner's subscription has already. */
    private static List<String> clashes(List<Subscription> fileSubs, StoredSubscriptions.Loaded fromStore) {
        Map<String, Subscription> partners = new HashMap<>();
        fromStore.subscriptions().forEach(s -> partners.put(s.id(), s));
        return fileSubs.stream().filter(s -> partners.containsKey(s.id())).map(Subscription::id).toList();
    }

    private String clashMessage(List<String> clashes) {
        return file + ": subscription id(s) " + clashes + " belong to partners' subscriptions (made over the partner API);"
                + " give the file's subscription another id";
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
     * Reloads the file if it changed since it was last read, and the partners' subscriptions if the
     * store's revision moved. A file with problems is refused — every problem is logged — and the
     * subscriptions in force keep serving; the next edit is tried again. The swap is one reference:
     * each event is matched against one whole version of both.
     */
    public void reloadIfChanged() {
        reloadStoredIfChanged();
        String now = stamp();
        if (now.equals(fileStamp)) return;
        synchronized (this) {
            fileStamp = now;
            try {
                List<Subscription> subs = loader.load(file);
                List<String> clashes = clashes(subs, storedNow);
                if (!clashes.isEmpty()) throw new IllegalStateException(clashMessage(clashes));
                InForce previous = inForce;
                inForce = InForce.of(new SubscriptionIndex(subs), storedNow);
                warnUncatalogued(subs);
                // Deliveries dispatched before the edit still go to the subscription as it was then.
                for (Subscription old : previous.file().all()) {
                    if (inForce.file().byId(old.id()) == null) retired.put(old.id(), old);
                }
                subs.forEach(sub -> retired.remove(sub.id()));
                LOG.info("Reloaded {} subscription(s) from {}", subs.size(), file);
            } catch (RuntimeException e) {
                LOG.error("Refused the edited {}; the previous {} subscription(s) stay in force. {}", file, inForce.file().size(),
                        e.getMessage());
            }
        }
    }

    /**
     * Re-reads the partners' subscriptions when the store's revision moved (another instance, or this
     * one's partner API, changed one). A deleted one is gone at once: its queued deliveries are not
     * sent (the partner deleted it), unlike a subscription removed from the file.
     */
    public void reloadStoredIfChanged() {
        if (stored == null) return;
        try {
            long revision = stored.revision();
            if (revision == storedRevision) return;
            synchronized (this) {
                revision = stored.revision();
                if (revision == storedRevision) return;
                StoredSubscriptions.Loaded fromStore = stored.load();
                storedRevision = revision;
                storedNow = fromStore;
                inForce = InForce.of(inForce.file(), fromStore);
                LOG.info("Partners' subscriptions now in force: {} (store revision {})", fromStore.subscriptions().size(), revision);
            }
        } catch (SQLException e) {
            LOG.warn("Could not read the partners' subscriptions from the store (keeping the last known): {}", e.getMessage());
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

    /** Enabled subscriptions whose types and filter match the event, the platform's and the partners' it may reach. */
    public List<Subscription> match(String type, JsonNode event) {
        InForce now = inForce;
        List<Subscription> out = new ArrayList<>();
        matching(now.file().candidates(type), event, out);
        EventCatalog.Audience audience = catalog.audience(type);
        if (audience != EventCatalog.Audience.NONE) {
            JsonNode partner = event.get("partnerid");
            if (partner != null && partner.isTextual()) {
                SubscriptionIndex own = now.byPartner().get(partner.asText());
                if (own != null) matching(own.candidates(type), event, out);
            } else if (audience == EventCatalog.Audience.BROADCAST) {
                matching(now.partners().candidates(type), event, out);
            }
        }
        return out;
    }

    private void matching(Collection<Subscription> candidates, JsonNode event, List<Subscription> out) {
        for (Subscription s : candidates) {
            if (!disabled.containsKey(s.id()) && (s.filter() == null || s.filter().matches(event))) out.add(s);
        }
    }

    /** The subscription in force, or — for deliveries dispatched before it was removed from the file — as it was. */
    public Subscription byId(String id) {
        Subscription s = inForce.byId().get(id);
        return s != null ? s : retired.get(id);
    }

    /** The subscription in force now (not one that was removed), or null. */
    public Subscription inForce(String id) {
        return inForce.byId().get(id);
    }

    /** Why a subscription may not receive now (disabled, or its partner suspended), or null. */
    public String disabledReason(String id) {
        String why = disabled.get(id);
        return why != null ? why : inForce.paused().get(id);
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

    /** The subscriptions in force: the file's in file order, then the partners'. */
    public List<Subscription> all() {
        return List.copyOf(inForce.byId().values());
    }

    /** The file's subscriptions in force, in file order. */
    public List<Subscription> fromFile() {
        return List.copyOf(inForce.file().all());
    }

    /** How many subscriptions in force are disabled. */
    public int disabledCount() {
        return (int) inForce.byId().keySet().stream().filter(disabled::containsKey).count();
    }
}
