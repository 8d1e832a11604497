package dev.herald.tools;

import dev.herald.Cli;
import dev.herald.RunCommand;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bin/herald}: one command line with a subcommand per tool. The launcher builds Herald if
 * needed and hands its arguments here (except {@code run}, which is {@code java -jar herald.jar},
 * and {@code kafka}, which needs the test-scoped Kafka jars).
 */
@Command(name = "bin/herald", synopsisSubcommandLabel = "COMMAND",
        header = "Herald's command line.",
        description = "Each command lists its options with --help, such as: bin/herald send --help",
        commandListHeading = "%nCommands:%n")
public final class HeraldCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Where commands print results, and errors; a test gives its own. */
    final PrintStream out;
    final PrintStream err;

    HeraldCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // The commands' output is the point: the libraries they use log warnings and errors only, on stderr.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "herald/cli-log4j2.xml");
        }
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs one command line; returns its exit status. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        CommandLine cl = new CommandLine(new HeraldCli(out, err));
        // In the README's order: run first.
        cl.addSubcommand("run", RunCommand.subcommand());
        for (Object command : List.of(new ReceiveCommand(), new SendCommand(), new KafkaCommand(), new RouteCommand(),
                new ValidateCommand(), new RejectedCommand(), new SecretCommand(), new ApiKeyCommand(), new SqlCommand(),
                new CommandLine.HelpCommand())) {
            cl.addSubcommand(command);
        }
        return Cli.configure(cl, out, err).execute(args);
    }

    /** {@code bin/herald} alone: the list of commands. */
    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return Cli.OK;
    }
}
