package dev.herald.tools;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code bin/herald route}: the dry run of {@link RouteDryRun}. */
@Command(name = "route", sortOptions = false,
        header = "Dry run: who would get an event, and exactly what.",
        description = "Prints which subscriptions an event would go to, why not the others, and the exact payload and"
                + " headers each would receive. Delivers nothing.")
final class RouteCommand implements Callable<Integer> {

    @ParentCommand
    HeraldCli cli;

    @Option(names = "--event", required = true, paramLabel = "FILE", description = "The event: a CloudEvent as JSON (id, type, source, data).")
    Path event;

    @Option(names = "--subscriptions", paramLabel = "FILE", description = "The subscriptions to try (default: ${DEFAULT-VALUE}), such as an edit before you save it.")
    Path subscriptions = Path.of("config/subscriptions.yaml");

    @Option(names = "--at", paramLabel = "UNIX-SECONDS", description = "The time to sign with, for output that does not change (default: now).")
    Long at;

    @Override
    public Integer call() throws Exception {
        return RouteDryRun.run(event, subscriptions, at == null ? System.currentTimeMillis() : at * 1000, cli.out);
    }
}
