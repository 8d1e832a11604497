package dev.herald;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How every Herald command line behaves ({@code bin/herald COMMAND}, and {@code run}, which is
 * {@code java -jar herald.jar}): a usage mistake (an unknown option, a missing or bad value) is one
 * line naming it and exit status {@value #USAGE}; a command that fails prints why and exits
 * {@value #FAILED}. Lives beside {@link Herald} so that the server's entry point and the tools share
 * it without depending on each other.
 */
public final class Cli {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private static final Map<String, String> EXIT_CODES = exitCodes();

    private Cli() {}

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(String.valueOf(OK), "ok");
        codes.put(String.valueOf(FAILED), "the command failed, or found problems (validate); the message says why");
        codes.put(String.valueOf(USAGE), "usage: an unknown command or option, a missing value, a bad number");
        return codes;
    }

    /** A command line for {@code command}, printing to {@code out} (results, help) and {@code err} (errors). */
    public static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
        return configure(new CommandLine(command), out, err);
    }

    /** Gives {@code cl} and its subcommands (add them first) these conventions, and each a --help. */
    public static CommandLine configure(CommandLine cl, PrintStream out, PrintStream err) {
        addHelp(cl);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        // "@file" would otherwise be read as a file of arguments: an SQL string or a header value may start with @.
        cl.setExpandAtFiles(false);
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler((e, failed, parsed) -> {
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + message(e));
            if (e.getMessage() == null) e.printStackTrace(failed.getErr());
            return FAILED;
        });
        return cl;
    }

    /** Every command has --help, and its help ends with the exit codes (these, unless it says its own). */
    private static void addHelp(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.findOption("--help") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
        }
        if (spec.usageMessage().exitCodeList().isEmpty()) {
            spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        }
        cl.getSubcommands().values().forEach(Cli::addHelp);
    }

    /** The mistake, a suggestion for a misspelt option, and where the options are listed; not the whole usage text. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        boolean noCommand = e instanceof CommandLine.UnmatchedArgumentException u && !cl.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-");
        err.println(name + ": " + (noCommand ? "unknown command '" + ((CommandLine.UnmatchedArgumentException) e).getUnmatched().get(0) + "'"
                : e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + name + " --help' for the " + (noCommand ? "commands." : "options."));
        return USAGE;
    }

    /** The exception's message, with its cause's when that says more (a wrapped I/O or SQL error). */
    public static String message(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) m += ": " + cause.getMessage();
        return m;
    }
}
