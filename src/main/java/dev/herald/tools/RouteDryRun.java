package dev.herald.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.Channel;
import dev.herald.channel.Channels;
import dev.herald.channel.Targets;
import dev.herald.net.AddressGuard;
import dev.herald.deliver.Delivery;
import dev.herald.subscription.RetrySchedule;
import dev.herald.event.Json;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionConfigException;
import dev.herald.subscription.SubscriptionLoader;
import dev.herald.event.TypePattern;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * {@code bin/herald route --event sample.json}: which subscriptions an event would go to, why the
 * others would not, and exactly what each would receive — computed by the same code that delivers,
 * without delivering anything.
 */
public final class RouteDryRun {

    /** The tools check a subscriptions file as Herald would, with the default Kafka brokers standing for herald.kafka.brokers. */
    static final String KAFKA_BROKERS = "127.0.0.1:9092";

    private RouteDryRun() {}

    /** Prints the dry run; returns the exit status (0, or 1 when the inputs are not usable). */
    public static int run(Path eventFile, Path subscriptionsFile, long nowMillis, PrintStream out) throws Exception {
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(Files.readString(eventFile));
        } catch (Exception e) {
            out.println(eventFile + ": not a JSON file: " + e.getMessage());
            return 1;
        }
        if (!event.isObject() || !event.hasNonNull("type") || !event.hasNonNull("id")) {
            out.println(eventFile + ": give a CloudEvent (JSON with at least \"id\", \"type\" and \"data\")");
            return 1;
        }
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getPropertiesComponent().setLocation("file:config/application.properties");
            List<Subscription> subs;
            try {
                subs = new SubscriptionLoader(camel::resolvePropertyPlaceholders,
                        RetrySchedule.parse(RetrySchedule.DEFAULT, 0.2), KAFKA_BROKERS, targets(camel)).load(subscriptionsFile);
            } catch (SubscriptionConfigException e) {
                out.println(e.getMessage());
                return 1;
            }
            Channels channels = new Channels("Herald/0.1", 1024, Duration.ofSeconds(15), targets(camel), KAFKA_BROKERS);
            String type = event.get("type").asText();
            out.printf("event %s (%s) from %s%n", event.get("id").asText(), type, event.path("source").asText("?"));
            for (Subscription s : subs) {
                out.println();
                if (s.types().stream().noneMatch(p -> p.matches(type))) {
                    out.printf("- %s: not matched: type %s is not in %s%n", s.id(), type,
                            s.types().stream().map(TypePattern::text).collect(Collectors.toList()));
                } else if (s.filter() != null && !s.filter().matches(event)) {
                    out.printf("- %s: not matched: the filter %s does not match%n", s.id(), s.filter());
                } else {
                    describe(s, event, channels, camel, nowMillis, out);
                }
            }
        }
        return 0;
    }

    private static void describe(Subscription s, JsonNode event, Channels channels, DefaultCamelContext camel, long now, PrintStream out) {
        Channel channel = channels.get(s.channel());
        Delivery d = new Delivery(Delivery.idFor(event.get("id").asText(), s.id()), event.get("id").asText(), s.id(), 1, event);
        Exchange exchange = new DefaultExchange(camel);
        try {
            channel.prepare(exchange, new Channel.Call(d.id(), event, s.settings(), channels.payload(s.transform(), s.channel(), event), now));
        } catch (RuntimeException e) {
            out.printf("+ %s: matched, but would fail for good: %s%n", s.id(), e.getMessage());
            return;
        }
        out.printf("+ %s: matched (%s)%n", s.id(), s.channel());
        Map<String, Object> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(exchange.getMessage().getHeaders());
        Object target = headers.remove(Exchange.HTTP_URI);
        headers.remove(Exchange.HTTP_METHOD);
        switch (s.channel()) {
            case "webhook", "slack" -> out.printf("  POST %s%n", s.channel().equals("slack") ? "(the Slack webhook URL)" : target);
            case "kafka" -> out.printf("  to Kafka topic %s at %s%n", s.parameters().get("topic"), s.parameters().get("brokers"));
            case "endpoint" -> out.printf("  to %s%n", s.parameters().get("uri"));
            case "stream" -> out.printf("  kept in the subscription's stream (%s consumers)%n", s.parameters().get("mode"));
            case "email" -> out.printf("  by SMTP to %s:%s%n", s.parameters().get("host"), s.parameters().getOrDefault("port", "587"));
            default -> { }
        }
        headers.forEach((k, v) -> out.printf("  %s: %s%n", k, v));
        Object body = exchange.getMessage().getBody();
        out.println("  " + (body instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(body)));
    }

    /** The SSRF guard as Herald would run it with these settings. */
    /** The outbound guard as config/application.properties sets it (herald.ssrf.allow, herald.ssrf.allow-schemes). */
    static Targets targets(DefaultCamelContext camel) {
        var props = camel.getPropertiesComponent();
        return new Targets(new AddressGuard(props.resolveProperty("herald.ssrf.allow").orElse("")),
                Targets.schemes(props.resolveProperty("herald.ssrf.allow-schemes").orElse("")));
    }
}
