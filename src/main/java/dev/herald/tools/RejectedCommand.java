package dev.herald.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code bin/herald rejected}: the input Herald could not turn into events (on the broker's
 * {@code herald.rejected} queue), through the admin API: list it, show one message, and re-drive
 * messages to their source queue once the route is fixed.
 */
@Command(name = "rejected", synopsisSubcommandLabel = "(list | show | redrive)",
        subcommands = {RejectedCommand.Listing.class, RejectedCommand.Show.class, RejectedCommand.Redrive.class},
        header = "List, show and re-drive the input Herald rejected.",
        description = "Input that could not become an event is kept on the broker's herald.rejected queue with the reason."
                + " These commands read it through Herald's admin API: list it, show one message, and re-drive messages"
                + " to their source queue once the route is fixed.")
final class RejectedCommand implements Callable<Integer> {

    @ParentCommand
    HeraldCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL", converter = HttpUrl.class,
            description = "Herald's HTTP API (default: ${DEFAULT-VALUE}).")
    URI url = URI.create("http://127.0.0.1:8080");

    // No ${DEFAULT-VALUE} in the description: --help would print the key.
    @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "KEY", defaultValue = "${env:HERALD_ADMIN_KEY}",
            description = "An admin API key (default: the environment variable HERALD_ADMIN_KEY; none on a Herald without keys).")
    String key;

    /** {@code bin/herald rejected} alone: what it can do. */
    @Override
    public Integer call() {
        spec.commandLine().usage(cli.out);
        return 0;
    }

    AdminClient client() {
        return new AdminClient(url, key);
    }

    @Command(name = "list", sortOptions = false, header = "List rejected messages: id, time, route, size, reason.")
    static final class Listing implements Callable<Integer> {

        @ParentCommand
        RejectedCommand rejected;

        @Option(names = "--route", paramLabel = "ROUTE", description = "Only those rejected by this route (its id).")
        String route;

        @Option(names = "--from", paramLabel = "TIME", converter = Time.class, description = "Only those rejected at or after, such as 2025-06-01T12:00:00Z.")
        Instant from;

        @Option(names = "--to", paramLabel = "TIME", converter = Time.class, description = "Only those rejected before.")
        Instant to;

        @Option(names = "--limit", paramLabel = "N", description = "At most N (default: ${DEFAULT-VALUE}).")
        int limit = 50;

        @Option(names = "--offset", paramLabel = "N", description = "Skip the first N (default: ${DEFAULT-VALUE}); the list says when there are more.")
        int offset;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Usage.require(spec, limit >= 1, "--limit must be 1 or more; got " + limit);
            Usage.require(spec, offset >= 0, "--offset must be 0 or more; got " + offset);
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("route", route);
            q.put("from", from);
            q.put("to", to);
            q.put("limit", limit);
            q.put("offset", offset == 0 ? null : offset);
            JsonNode page = rejected.client().get("/api/rejected" + AdminClient.query(q));
            PrintStream out = rejected.cli.out;
            table(page.path("items"), out);
            if (page.hasNonNull("nextOffset")) {
                out.println("(more: add --offset " + page.get("nextOffset").asText() + ")");
            }
            return 0;
        }
    }

    @Command(name = "show", header = "Show one rejected message: when, by which route, why, its properties and body.")
    static final class Show implements Callable<Integer> {

        @ParentCommand
        RejectedCommand rejected;

        @Parameters(paramLabel = "ID", description = "The message's id, as the list shows it.")
        String id;

        @Override
        public Integer call() throws Exception {
            JsonNode m = rejected.client().get("/api/rejected/" + AdminClient.segment(id));
            PrintStream out = rejected.cli.out;
            out.println("id          " + m.path("id").asText());
            out.println("rejected at " + m.path("rejectedAt").asText());
            out.println("route       " + m.path("route").asText());
            out.println("source      " + m.path("source").asText());
            out.println("size        " + m.path("sizeBytes").asText() + " bytes");
            out.println("reason      " + m.path("reason").asText());
            out.println("properties");
            m.path("properties").fields().forEachRemaining(p -> out.println("  " + p.getKey() + ": " + text(p.getValue())));
            out.println("body");
            out.println(m.path("body").asText());
            return 0;
        }
    }

    @Command(name = "redrive", sortOptions = false,
            header = "Send rejected messages back to their source queue, after a route fix.",
            description = "Re-drives the messages named by ID, or every message one --route rejected (optionally within"
                    + " --from/--to). With --dry-run it says which, and moves nothing.")
    static final class Redrive implements Callable<Integer> {

        @ParentCommand
        RejectedCommand rejected;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "ID", description = "Messages to re-drive, by id.")
        List<String> ids = new ArrayList<>();

        @Option(names = "--route", paramLabel = "ROUTE", description = "Instead of ids: every message this route rejected.")
        String route;

        @Option(names = "--from", paramLabel = "TIME", converter = Time.class, description = "With --route: only those rejected at or after.")
        Instant from;

        @Option(names = "--to", paramLabel = "TIME", converter = Time.class, description = "With --route: only those rejected before.")
        Instant to;

        @Option(names = "--dry-run", description = "With --route: list what would be re-driven, and move nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            Usage.require(spec, ids.isEmpty() != (route == null),
                    ids.isEmpty() ? "say what to re-drive: message ids, or --route ROUTE" : "give message ids or --route, not both");
            Usage.require(spec, route != null || (from == null && to == null && !dryRun), "--from, --to and --dry-run go with --route");
            PrintStream out = rejected.cli.out;
            AdminClient api = rejected.client();
            if (route != null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("route", route);
                if (from != null) body.put("from", from.toString());
                if (to != null) body.put("to", to.toString());
                body.put("dryRun", dryRun);
                JsonNode result = api.post("/api/rejected/redrive", body);
                // A dry run re-drives nothing (redriven is 0) and lists what would go.
                out.println((dryRun ? "would re-drive " : "re-drove ") + result.path("items").size() + " message(s)");
                for (JsonNode item : result.path("items")) out.println(item.path("id").asText() + " -> " + item.path("to").asText());
                for (JsonNode skip : result.path("skipped")) {
                    out.println("skipped " + skip.path("id").asText() + ": " + skip.path("detail").asText());
                }
                return result.path("skipped").isEmpty() ? 0 : 1;
            }
            int failed = 0;
            for (String id : ids) {
                try {
                    JsonNode done = api.post("/api/rejected/" + AdminClient.segment(id) + "/redrive", Map.of());
                    out.println("re-drove " + done.path("id").asText(id) + " to " + done.path("to").asText());
                } catch (IllegalStateException e) {
                    rejected.cli.err.println("bin/herald rejected redrive: " + id + ": " + e.getMessage());
                    failed++;
                }
            }
            return failed == 0 ? 0 : 1;
        }
    }

    /** One line per message: id, time, route, size, reason (the reason last, as long as it is). */
    static void table(JsonNode items, PrintStream out) {
        if (!items.isArray() || items.isEmpty()) {
            out.println("no rejected messages");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"id", "time", "route", "size", "reason"});
        for (JsonNode m : items) {
            rows.add(new String[] {m.path("id").asText(), m.path("rejectedAt").asText(), m.path("route").asText(),
                    m.path("sizeBytes").asText(), m.path("reason").asText()});
        }
        int[] width = new int[4];
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) width[i] = Math.max(width[i], r[i].length());
        }
        for (String[] r : rows) {
            out.printf("%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %" + width[3] + "s  %s%n", (Object[]) r);
        }
    }

    private static String text(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** A time as the API takes it: ISO-8601 in UTC, such as 2025-06-01T12:00:00Z. */
    static final class Time implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a time; write it as 2025-06-01T12:00:00Z");
            }
        }
    }

    /** Herald's address: an http or https URL. */
    static final class HttpUrl implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI u = URI.create(value);
                if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) return u;
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not an HTTP URL; write it as http://127.0.0.1:8080");
        }
    }
}
