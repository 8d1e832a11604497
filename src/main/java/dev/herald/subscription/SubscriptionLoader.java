package dev.herald.subscription;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.ParameterContext;
import dev.herald.channel.Targets;
import dev.herald.yaml.ConfigFileException;
import dev.herald.yaml.FileProblem;
import dev.herald.yaml.Problems;
import dev.herald.yaml.YamlFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads and checks a subscriptions file. Every problem is collected and reported together, each at
 * the line and column of the key or value that is wrong, naming the subscription and what to write
 * instead.
 */
public final class SubscriptionLoader {

    private final SubscriptionReader reader;

    /** @param placeholders resolves {@code {{env:NAME}}}-style references (Camel's properties component) */
    public SubscriptionLoader(UnaryOperator<String> placeholders, RetrySchedule defaultRetry) {
        this(placeholders, defaultRetry, "127.0.0.1:9092");
    }

    /** @param defaultKafkaBrokers bootstrap servers for kafka-channel subscriptions that name none */
    public SubscriptionLoader(UnaryOperator<String> placeholders, RetrySchedule defaultRetry, String defaultKafkaBrokers) {
        this(placeholders, defaultRetry, defaultKafkaBrokers, null);
    }

    /** @param targets checks where each subscription connects, at load (null: not checked here, only at delivery) */
    public SubscriptionLoader(UnaryOperator<String> placeholders, RetrySchedule defaultRetry, String defaultKafkaBrokers,
                              Targets targets) {
        this.reader = new SubscriptionReader(defaultRetry, new ParameterContext(placeholders, targets, defaultKafkaBrokers));
    }

    /** @throws SubscriptionConfigException listing every problem of the file */
    public List<Subscription> load(Path file) {
        YamlFile yaml;
        try {
            yaml = YamlFile.read(file);
        } catch (ConfigFileException e) {
            throw new SubscriptionConfigException(file, e.problems());
        }
        Problems problems = new Problems();
        List<Subscription> out = new ArrayList<>();
        JsonNode list = yaml.tree() == null ? null : yaml.tree().get("subscriptions");
        if (list == null || !list.isArray()) {
            problems.at("subscriptions").add("the file has no top-level 'subscriptions:' list",
                    "start it with subscriptions: and give each subscription as a list item, '- id: ...'");
        } else {
            Map<String, Integer> ids = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode node = list.get(i);
                Problems at = problems.at("subscriptions").at(i).labelled(label(node, i));
                Subscription s = reader.read(node, at);
                if (s != null) out.add(s);
                unique(node.path("id"), i, ids, at.at("id"), yaml);
            }
        }
        List<FileProblem> all = new ArrayList<>(yaml.locate(problems));
        all.addAll(yaml.repeatedKeys());
        if (!all.isEmpty()) throw new SubscriptionConfigException(file, all);
        return out;
    }

    /** How a subscription is named in its problems: by its id, or by its place when it has none. */
    private static String label(JsonNode node, int index) {
        String id = node.path("id").isValueNode() ? node.path("id").asText() : "";
        return id.isBlank() ? "subscriptions[" + index + "]: " : "subscription " + id + ": ";
    }

    private static void unique(JsonNode id, int index, Map<String, Integer> seen, Problems problems, YamlFile yaml) {
        if (!id.isValueNode()) return;
        Integer first = seen.putIfAbsent(id.asText(), index);
        if (first != null) {
            int line = yaml.position(JsonPointer.compile("/subscriptions/" + first + "/id"), false).line();
            problems.add("id '" + id.asText() + "' is used twice", "ids must be unique; the other one is on line " + line);
        }
    }
}
