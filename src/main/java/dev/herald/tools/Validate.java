package dev.herald.tools;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.herald.subscription.RetrySchedule;
import dev.herald.event.EventCatalog;
import dev.herald.event.Json;
import dev.herald.subscription.OrderingWarnings;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionConfigException;
import dev.herald.subscription.SubscriptionLoader;
import dev.herald.yaml.ConfigFileException;
import dev.herald.yaml.DidYouMean;
import dev.herald.yaml.FileProblem;
import dev.herald.yaml.Problems;
import dev.herald.yaml.YamlFile;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * {@code bin/herald validate}: checks routes (against Camel's YAML DSL schema, then by loading them),
 * the subscriptions (Herald's own checks: keys, types, filters, channel contracts, transforms,
 * templates) and the event catalog, and prints every problem as
 * {@code file:line:column: what is wrong — what to write instead}. Exit status 1 if any. Warnings
 * (an ordered subscription fed by a route with concurrent consumers) are printed the same way and
 * do not change the status.
 */
public final class Validate {

    private static final Pattern CAMEL_POSITION = Pattern.compile("(?s)(.*?)\\s*in file:(\\S+?), line (\\d+), column (\\d+):.*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^{}]+}}");

    private final Path root;
    /** What to print: the problems and warnings, file by file. */
    private final List<String> lines = new ArrayList<>();
    private int problems;
    private int warnings;
    /** The routes that read their source with several consumers, for the ordering warnings. */
    private final List<OrderingWarnings.ConcurrentIngress> concurrentIngress = new ArrayList<>();
    private final JsonSchema camelSchema;
    private final Set<String> stepNames = new TreeSet<>();

    private Validate(Path root) throws Exception {
        this.root = root;
        try (InputStream in = Validate.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            JsonNode schema = Json.MAPPER.readTree(in);
            camelSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
            JsonNode defs = schema.path("items").path("definitions");
            defs.path("org.apache.camel.model.ProcessorDefinition").path("properties").fieldNames().forEachRemaining(stepNames::add);
            schema.path("items").path("properties").fieldNames().forEachRemaining(stepNames::add);
            List.of("id", "uri", "steps", "parameters", "from", "routeConfigurationId", "description").forEach(stepNames::add);
        }
    }

    /** Prints the problems (or a one-line all-clear) and returns the exit status. */
    public static int run(Path root, PrintStream out) throws Exception {
        Validate v = new Validate(root);
        int files = v.routes() + v.subscriptions() + v.catalog();
        v.lines.forEach(out::println);
        String warned = v.warnings == 0 ? "" : "; " + v.warnings + " warning(s)";
        if (v.problems == 0) {
            out.println("herald validate: " + files + " file(s) checked, no problems" + warned);
            return 0;
        }
        out.println("herald validate: " + v.problems + " problem(s) in " + files + " file(s) checked" + warned);
        return 1;
    }

    private int routes() throws Exception {
        Path dir = root.resolve("routes");
        if (!Files.isDirectory(dir)) return 0;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".xml")).sorted().toList();
        }
        for (Path f : files) {
            int before = problems;
            if (f.toString().endsWith(".yaml")) yamlSchema(f);
            if (problems == before) load(f);
        }
        return files.size();
    }

    private void yamlSchema(Path f) throws Exception {
        YamlFile yaml;
        try {
            yaml = YamlFile.parse(f, Files.readString(f));
        } catch (ConfigFileException e) {
            e.problems().forEach(p -> add(f, p));
            return;
        }
        Problems found = new Problems();
        for (ValidationMessage m : camelSchema.validate(yaml.tree() == null ? Json.MAPPER.nullNode() : yaml.tree())) {
            JsonNode value = m.getInstanceNode();
            if ("type".equals(m.getType()) && value != null && value.isTextual() && PLACEHOLDER.matcher(value.asText()).find()) {
                continue; // {{property}} placeholders are resolved when the route loads
            }
            if ("additionalProperties".equals(m.getType())) {
                String key = m.getProperty();
                found.at(m.getInstanceLocation()).at(key).addAtKey("unknown key '" + key + "'", hint(key));
            } else {
                found.at(m.getInstanceLocation()).add(m.getMessage().replaceFirst("^\\$[^:]*: ", ""), "see Camel's YAML DSL reference for this element");
            }
        }
        List<FileProblem> all = new ArrayList<>(yaml.locate(found));
        all.addAll(yaml.repeatedKeys());
        all.stream().sorted(FileProblem.IN_FILE_ORDER).forEach(p -> add(f, p));
    }

    private String hint(String key) {
        if (key.contains("-")) {
            String camel = Pattern.compile("-([a-z])").matcher(key).replaceAll(r -> r.group(1).toUpperCase());
            return "write " + camel + " (the kebab-case form is deprecated; Camel's canonical YAML uses camelCase)";
        }
        String best = DidYouMean.closest(key, stepNames, 3);
        return best != null ? "did you mean " + best + "?" : "not a Camel element or option here";
    }

    private void load(Path f) {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getPropertiesComponent().setLocation("file:" + root.resolve("config/application.properties"));
            camel.getPropertiesComponent().setIgnoreMissingLocation(true);
            var loader = PluginHelper.getRoutesLoader(camel);
            loader.loadRoutes(ResourceHelper.resolveResource(camel, "classpath:herald/core/ingress-configuration.camel.yaml"),
                    ResourceHelper.resolveResource(camel, "classpath:herald/core/core-configuration.camel.yaml"),
                    ResourceHelper.resolveResource(camel, "file:" + f.toAbsolutePath()));
            Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
            for (var r : OrderingWarnings.concurrentIngress(model.getRouteDefinitions(), camel::resolvePropertyPlaceholders)) {
                concurrentIngress.add(new OrderingWarnings.ConcurrentIngress(r.routeId(), shown(f).toString(), r.source(), r.kafka(),
                        r.consumers(), r.types()));
            }
        } catch (Exception e) {
            String message = rootMessage(e);
            Matcher m = CAMEL_POSITION.matcher(message);
            if (m.matches()) {
                add(f, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), m.group(1).trim(), "Camel could not load the route");
            } else {
                add(f, 1, 1, message.lines().findFirst().orElse(message), "Camel could not load the route");
            }
        }
    }

    private static String rootMessage(Throwable e) {
        String best = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(", line ")) return t.getMessage();
            if (t.getMessage() != null) best = t.getMessage();
        }
        return best == null ? e.getClass().getSimpleName() : best;
    }

    private int subscriptions() throws Exception {
        Path f = root.resolve("config/subscriptions.yaml");
        if (!Files.exists(f)) return 0;
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getPropertiesComponent().setLocation("file:" + root.resolve("config/application.properties"));
            camel.getPropertiesComponent().setIgnoreMissingLocation(true);
            List<Subscription> subs = new SubscriptionLoader(camel::resolvePropertyPlaceholders, RetrySchedule.parse(RetrySchedule.DEFAULT, 0.2),
                    RouteDryRun.KAFKA_BROKERS, RouteDryRun.targets(camel)).load(f);
            orderingWarnings(f, subs);
        } catch (SubscriptionConfigException e) {
            e.problems().forEach(p -> add(f, p));
        }
        return 1;
    }

    /** Each warning at the subscription's {@code ordered} key: a warning, not a problem (the producer may group already). */
    private void orderingWarnings(Path f, List<Subscription> subs) {
        List<OrderingWarnings.Warning> found = OrderingWarnings.warnings(subs, concurrentIngress);
        if (found.isEmpty()) return;
        YamlFile yaml = YamlFile.read(f);
        JsonNode list = yaml.tree().get("subscriptions");
        for (OrderingWarnings.Warning w : found) {
            int index = 0;
            while (index < list.size() && !w.subscriptionId().equals(list.get(index).path("id").asText())) index++;
            YamlFile.Position at = yaml.position(JsonPointer.compile("/subscriptions/" + index + "/ordered"), true);
            lines.add(shown(f) + ":" + at.line() + ":" + at.column() + ": warning: " + w.what() + " — " + w.fix());
            warnings++;
        }
    }

    private int catalog() {
        Path f = root.resolve("config/catalog.yaml");
        if (!Files.exists(f)) return 0;
        try {
            EventCatalog.load(f);
        } catch (ConfigFileException e) {
            e.problems().forEach(p -> add(f, p));
        }
        return 1;
    }

    private void add(Path f, FileProblem p) {
        lines.add(p.format(shown(f)));
        problems++;
    }

    private void add(Path f, int line, int col, String what, String fix) {
        add(f, new FileProblem(line, col, what, fix));
    }

    /** The file as the user names it: relative to the checked directory. */
    private Path shown(Path f) {
        return root.toAbsolutePath().normalize().relativize(f.toAbsolutePath().normalize());
    }
}
