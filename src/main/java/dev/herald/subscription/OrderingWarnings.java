package dev.herald.subscription;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SetHeaderDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-key order starts at ingress: when a route reads its source with several consumers at once,
 * two events of one key can be taken in parallel and accepted in either order, and an
 * {@code ordered: true} subscription then keeps that wrong order faithfully. Only the producer can
 * prevent it (a JMS group, a Kafka record key). This says so, for each ordered subscription whose
 * events can come from such a route: a warning, since the producer may already do it.
 */
public final class OrderingWarnings {

    private static final Logger LOG = LoggerFactory.getLogger(OrderingWarnings.class);
    private static final Set<String> JMS = Set.of("jms", "activemq", "amqp", "sjms", "sjms2");

    private OrderingWarnings() {}

    /** An ingress route read by several consumers at once, and the event types it can give (empty: any). */
    public record ConcurrentIngress(String routeId, String location, String source, boolean kafka, int consumers, Set<String> types) {}

    /** One ordered subscription and one route that can break its order. */
    public record Warning(String subscriptionId, String what, String fix) {}

    /** The warnings for the routes of a started (or loaded) context. */
    public static List<Warning> check(CamelContext context, Collection<Subscription> subscriptions) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        return warnings(subscriptions, concurrentIngress(model.getRouteDefinitions(), context::resolvePropertyPlaceholders));
    }

    /** Logs the warnings, once Herald's routes and subscriptions are both in place. */
    public static void logAtStart(CamelContext context, Collection<Subscription> subscriptions) {
        for (Warning w : check(context, subscriptions)) LOG.warn("{} — {}", w.what(), w.fix());
    }

    /** The ingress routes (those that hand messages to direct:herald-accept) that read with several consumers. */
    public static List<ConcurrentIngress> concurrentIngress(Collection<RouteDefinition> routes, UnaryOperator<String> placeholders) {
        List<ConcurrentIngress> out = new ArrayList<>();
        for (RouteDefinition r : routes) {
            if (r.getInput() == null || !handsToHerald(r) || !startsAutomatically(r, placeholders)) continue;
            String uri = resolve(r.getInput().getEndpointUri(), placeholders);
            if (uri == null || uri.indexOf(':') < 0) continue;
            String scheme = uri.substring(0, uri.indexOf(':')).toLowerCase(Locale.ROOT);
            int consumers = consumers(scheme, uri);
            if (consumers <= 1) continue;
            String location = r.getResource() == null ? "?" : r.getResource().getLocation().replaceFirst("^(file|classpath):", "");
            out.add(new ConcurrentIngress(r.getRouteId(), location, uri.replaceFirst("\\?.*", ""), "kafka".equals(scheme), consumers,
                    types(r, placeholders)));
        }
        return out;
    }

    /** One warning for each ordered subscription and each concurrent route that can give it events. */
    public static List<Warning> warnings(Collection<Subscription> subscriptions, List<ConcurrentIngress> routes) {
        List<Warning> out = new ArrayList<>();
        for (Subscription s : subscriptions) {
            if (!s.ordered()) continue;
            for (ConcurrentIngress r : routes) {
                boolean anyType = r.types().isEmpty();
                List<String> types = r.types().stream().filter(t -> s.types().stream().anyMatch(p -> p.matches(t))).toList();
                if (!anyType && types.isEmpty()) continue;
                String which = anyType ? "its events" : "its " + String.join(", ", types) + " events";
                String what = "subscription " + s.id() + " is ordered, but " + which + " can come from route " + r.routeId()
                        + " (" + r.location() + "), where " + r.consumers() + " consumers read " + r.source()
                        + " at once: two events of one key can be accepted in either order";
                String fix = r.kafka()
                        ? "the producer must use the ordering key as the record key, so one key's records stay in one partition and are read in order"
                        : "the producer must set JMSXGroupID to the ordering key, so the broker hands one key's messages to one consumer at a time"
                          + " (or the route reads with one consumer)";
                out.add(new Warning(s.id(), what, fix));
            }
        }
        return out;
    }

    private static boolean handsToHerald(RouteDefinition r) {
        return ProcessorDefinitionHelper.filterTypeInOutputs(r.getOutputs(), ToDefinition.class).stream()
                .anyMatch(t -> t.getEndpointUri() != null && t.getEndpointUri().replace("//", "").equals("direct:herald-accept"));
    }

    /** A route that does not start (autoStartup: "{{herald.kafka.enabled}}" when Kafka is off) gives no events. */
    private static boolean startsAutomatically(RouteDefinition r, UnaryOperator<String> placeholders) {
        String auto = resolve(r.getAutoStartup(), placeholders);
        return auto == null || !auto.trim().equalsIgnoreCase("false");
    }

    /** How many consumers read the route's source at once: JMS's concurrent (or maximum) consumers, Kafka's consumersCount. */
    private static int consumers(String scheme, String uri) {
        Map<String, Object> options;
        try {
            options = URISupport.parseQuery(URISupport.extractQuery(uri));
        } catch (Exception e) {
            return 1;
        }
        if (JMS.contains(scheme)) return Math.max(number(options.get("concurrentConsumers")), number(options.get("maxConcurrentConsumers")));
        if ("kafka".equals(scheme)) return number(options.get("consumersCount"));
        return 1;
    }

    private static int number(Object option) {
        try {
            return option == null ? 1 : Integer.parseInt(option.toString().trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The types the route's setHeader ce-type steps give, when every one is a constant; empty (any) otherwise. */
    private static Set<String> types(RouteDefinition r, UnaryOperator<String> placeholders) {
        Set<String> types = new TreeSet<>();
        for (SetHeaderDefinition h : ProcessorDefinitionHelper.filterTypeInOutputs(r.getOutputs(), SetHeaderDefinition.class)) {
            if (!"ce-type".equalsIgnoreCase(h.getName())) continue;
            var e = h.getExpression();
            String type = e != null && "constant".equals(e.getLanguage()) ? resolve(e.getExpression(), placeholders) : null;
            if (type == null) return Set.of();
            types.add(type.trim());
        }
        return types;
    }

    private static String resolve(String text, UnaryOperator<String> placeholders) {
        if (text == null || !text.contains("{{")) return text;
        try {
            return placeholders.apply(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
