package dev.herald.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.herald.deliver.RetrySchedule;
import dev.herald.event.EventCatalog;
import dev.herald.event.Json;
import dev.herald.subscription.SubscriptionConfigException;
import dev.herald.subscription.SubscriptionLoader;
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
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * {@code bin/herald validate}: checks routes (against Camel's YAML DSL schema, then by loading them),
 * the subscriptions (Herald's own checks: keys, types, filters, channel contracts, transforms,
 * templates) and the event catalog, and prints every problem as
 * {@code file:line:column: what is wrong — what to write instead}. Exit status 1 if any.
 */
public final class Validate {

    private static final Pattern CAMEL_POSITION = Pattern.compile("(?s)(.*?)\\s*in file:(\\S+?), line (\\d+), column (\\d+):.*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^{}]+}}");
    private static final Pattern SUBSCRIPTION_PROBLEM = Pattern.compile("(?s)subscriptions\\[(\\d+)](?: \\(([^)]*)\\))?: (.*)");

    private final Path root;
    private final List<String> problems = new ArrayList<>();
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
        v.problems.forEach(out::println);
        if (v.problems.isEmpty()) {
            out.println("herald validate: " + files + " file(s) checked, no problems");
            return 0;
        }
        out.println("herald validate: " + v.problems.size() + " problem(s) in " + files + " file(s) checked");
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
            int before = problems.size();
            if (f.toString().endsWith(".yaml")) yamlSchema(f);
            if (problems.size() == before) load(f);
        }
        return files.size();
    }

    private void yamlSchema(Path f) throws Exception {
        YamlPositions yaml;
        try {
            yaml = new YamlPositions(Files.readString(f));
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(1);
            int col = e.getProblemMark().map(m -> m.getColumn() + 1).orElse(1);
            add(f, line, col, "not valid YAML: " + e.getProblem(), "check the indentation: nested keys are indented further than their parent, list items start with '- '");
            return;
        }
        for (ValidationMessage m : camelSchema.validate(yaml.tree)) {
            String path = m.getInstanceLocation().toString();
            JsonNode value = m.getInstanceNode();
            if ("type".equals(m.getType()) && value != null && value.isTextual() && PLACEHOLDER.matcher(value.asText()).find()) {
                continue; // {{property}} placeholders are resolved when the route loads
            }
            if ("additionalProperties".equals(m.getType())) {
                String key = m.getProperty();
                String at = path.isEmpty() || path.equals("$") ? "$" : path;
                int[] pos = yaml.at(simple(key) ? at + "." + key : at + "['" + key + "']");
                add(f, pos[0], pos[1], "unknown key '" + key + "'", hint(key));
            } else {
                int[] pos = yaml.at(path);
                add(f, pos[0], pos[1], m.getMessage().replaceFirst("^\\$[^:]*: ", ""), "see Camel's YAML DSL reference for this element");
            }
        }
    }

    private static boolean simple(String key) {
        return key.matches("[A-Za-z_][A-Za-z0-9_-]*");
    }

    private String hint(String key) {
        if (key.contains("-")) {
            String camel = Pattern.compile("-([a-z])").matcher(key).replaceAll(r -> r.group(1).toUpperCase());
            return "write " + camel + " (the kebab-case form is deprecated; Camel's canonical YAML uses camelCase)";
        }
        String best = null;
        int bestDistance = 4;
        for (String name : stepNames) {
            int d = distance(key.toLowerCase(), name.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
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
            new SubscriptionLoader(camel::resolvePropertyPlaceholders, RetrySchedule.parse(RetrySchedule.DEFAULT, 0.2),
                    RouteDryRun.KAFKA_BROKERS, RouteDryRun.targets(camel)).load(f);
        } catch (SubscriptionConfigException e) {
            YamlPositions yaml = positions(f);
            for (String p : e.problems()) {
                Matcher m = SUBSCRIPTION_PROBLEM.matcher(p);
                if (m.matches()) {
                    int[] pos = yaml == null ? new int[] {1, 1} : yaml.at("$.subscriptions[" + m.group(1) + "]");
                    split(f, pos, (m.group(2) == null ? "" : "subscription " + m.group(2) + ": ") + m.group(3));
                } else {
                    split(f, new int[] {1, 1}, p);
                }
            }
        }
        return 1;
    }

    private int catalog() {
        Path f = root.resolve("config/catalog.yaml");
        if (!Files.exists(f)) return 0;
        try {
            EventCatalog.load(f);
        } catch (IllegalArgumentException e) {
            YamlPositions yaml = positions(f);
            for (String line : e.getMessage().split("\n")) {
                if (!line.startsWith("  - ")) continue;
                String p = line.substring(4);
                Matcher m = Pattern.compile("types\\.(.+?)(\\.schema)?: (.*)").matcher(p);
                int[] pos = m.matches() && yaml != null ? yaml.at("$.types['" + m.group(1) + "']") : new int[] {1, 1};
                if (m.matches() && yaml != null && pos[0] == 1) pos = yaml.at("$.types." + m.group(1));
                add(f, pos[0], pos[1], p, "write a JSON Schema (2020-12) for the type's data, see docs/integrators.md");
            }
        }
        return 1;
    }

    /** Herald's own messages already say what to write after a ';': print them as "wrong — fix". */
    private void split(Path f, int[] pos, String text) {
        int semi = text.indexOf("; ");
        if (semi > 0) add(f, pos[0], pos[1], text.substring(0, semi), text.substring(semi + 2));
        else add(f, pos[0], pos[1], text, "see docs/integrators.md");
    }

    private static YamlPositions positions(Path f) {
        try {
            return new YamlPositions(Files.readString(f));
        } catch (Exception e) {
            return null;
        }
    }

    private void add(Path f, int line, int col, String what, String fix) {
        Path shown = root.toAbsolutePath().normalize().relativize(f.toAbsolutePath().normalize());
        problems.add(shown + ":" + line + ":" + col + ": " + what + " — " + fix);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
