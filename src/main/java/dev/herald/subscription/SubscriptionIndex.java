package dev.herald.subscription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.herald.event.TypePattern;

/**
 * Finds the subscriptions whose type patterns can match an event type without scanning them all:
 * exact types and {@code prefix.*} patterns are looked up by key (one lookup per dot in the type);
 * only patterns with a star elsewhere are tested one by one.
 */
public final class SubscriptionIndex {

    private final Map<String, List<Subscription>> exact = new HashMap<>();
    private final Map<String, List<Subscription>> prefixes = new HashMap<>();
    private final List<Subscription> general = new ArrayList<>();
    private final Map<String, Subscription> byId = new java.util.LinkedHashMap<>();

    public SubscriptionIndex(List<Subscription> subscriptions) {
        for (Subscription s : subscriptions) {
            byId.put(s.id(), s);
            boolean needsScan = false;
            for (TypePattern p : s.types()) {
                if (p.isExact()) exact.computeIfAbsent(p.text(), k -> new ArrayList<>()).add(s);
                else if (p.isPrefix()) prefixes.computeIfAbsent(p.prefix(), k -> new ArrayList<>()).add(s);
                else needsScan = true;
            }
            if (needsScan) general.add(s);
        }
    }

    public Subscription byId(String id) {
        return byId.get(id);
    }

    public java.util.Collection<Subscription> all() {
        return byId.values();
    }

    public int size() {
        return byId.size();
    }

    /** Subscriptions whose type patterns match {@code type}, in no particular order, each once. */
    public Set<Subscription> candidates(String type) {
        Set<Subscription> out = new LinkedHashSet<>(exact.getOrDefault(type, List.of()));
        out.addAll(prefixes.getOrDefault("", List.of()));
        for (int dot = type.indexOf('.'); dot >= 0; dot = type.indexOf('.', dot + 1)) {
            out.addAll(prefixes.getOrDefault(type.substring(0, dot + 1), List.of()));
        }
        for (Subscription s : general) {
            if (s.types().stream().anyMatch(p -> p.matches(type))) out.add(s);
        }
        return out;
    }
}
