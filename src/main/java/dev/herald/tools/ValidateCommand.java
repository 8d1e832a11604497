package dev.herald.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bin/herald validate}: the checks of {@link Validate}. */
@Command(name = "validate",
        header = "Check routes, subscriptions and the event catalog.",
        description = "Checks DIR's routes/, config/subscriptions.yaml and config/catalog.yaml and prints each problem as"
                + " file:line:column: what is wrong — what to write instead. Exit status 1 if there is any: run it in CI.")
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    HeraldCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "The directory holding routes/ and config/ (default: this repository).")
    Path root = Path.of(".");

    @Override
    public Integer call() throws Exception {
        Usage.require(spec, Files.isDirectory(root), "no such directory: " + root);
        Usage.require(spec, Files.isDirectory(root.resolve("routes")) || Files.isDirectory(root.resolve("config")),
                root + " has neither routes/ nor config/: give the directory that holds them, such as examples/open-platform");
        // Loading a broken route makes Camel log what the problem list already says.
        Level camel = LogManager.getLogger("org.apache.camel").getLevel();
        Level schema = LogManager.getLogger("com.networknt").getLevel();
        Configurator.setLevel("org.apache.camel", Level.OFF);
        Configurator.setLevel("com.networknt", Level.OFF);
        try {
            return Validate.run(root, cli.out);
        } finally {
            Configurator.setLevel("org.apache.camel", camel);
            Configurator.setLevel("com.networknt", schema);
        }
    }
}
