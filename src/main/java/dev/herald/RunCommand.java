package dev.herald;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bin/herald run} ({@code java -jar herald.jar}): starts Herald with any setting given as {@code --key=value}. */
@Command(name = "run",
        header = "Start Herald (builds it first if needed); any setting as --key=value.",
        description = "Runs Herald on config/application.properties until stopped (Ctrl-C, SIGTERM). Any setting there can"
                + " be given as --key=value (such as --herald.broker.port=61617), as an environment variable"
                + " (HERALD_BROKER_PORT=61617) or as -Dkey=value in HERALD_JAVA_OPTS.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:Herald ran and was stopped",
                "1:Herald could not start (the message says why: a setting, a file, the data directory or a port in use)",
                "2:usage: an argument that is not --key=value"})
public final class RunCommand implements Callable<Integer> {

    // Settings are no options picocli knows (unmatched options are taken as these): checked in call().
    @Parameters(paramLabel = "--KEY=VALUE", description = "A setting of config/application.properties, such as --herald.kafka.enabled=true.")
    List<String> settings = new ArrayList<>();

    @Spec
    CommandSpec spec;

    /** Parses {@code args}, starts Herald and returns the exit status once it stops (or could not start). */
    public static int execute(String... args) {
        CommandLine cl = subcommand();
        cl.setCommandName("bin/herald run");
        Cli.configure(cl, System.out, System.err);
        return cl.execute(args);
    }

    /** The command as {@code bin/herald}'s list of commands holds it (for {@code bin/herald help run}). */
    public static CommandLine subcommand() {
        CommandLine cl = new CommandLine(new RunCommand());
        cl.setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    @Override
    public Integer call() {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String arg : settings) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 3) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + arg + "' is not a setting;"
                        + " write --key=value, such as --herald.broker.port=61617 (every key is in config/application.properties)");
            }
            overrides.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        // H2's AUTO_SERVER (the default store) would otherwise listen on every interface.
        if (System.getProperty("h2.bindAddress") == null) System.setProperty("h2.bindAddress", "127.0.0.1");
        try {
            new Herald(overrides).run();
            return Cli.OK;
        } catch (Exception e) {
            // Several problems (the data directory and ports in use) come one per line.
            System.err.println("herald: cannot start: " + Cli.message(e).replace("\n", "\n  "));
            return Cli.FAILED;
        }
    }
}
