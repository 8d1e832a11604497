package dev.herald.tools;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/herald kafka} is run by the launcher itself, from the Kafka jars Maven has for the tests
 * (they are not in Herald's jar). This command is its entry in the list, its {@code --help}, and the
 * check of its (no) arguments.
 */
@Command(name = "kafka",
        header = "Run a one-node Kafka on 127.0.0.1:9092 for trying Herald out.",
        description = "A Kafka (KRaft) from the Kafka jars Maven already has for the tests; its data lives in data/kafka."
                + " Ctrl-C stops it.")
final class KafkaCommand implements Callable<Integer> {

    @ParentCommand
    HeraldCli cli;

    @Override
    public Integer call() {
        cli.err.println("bin/herald kafka: run it through bin/herald, which puts Kafka's jars on the class path");
        return 1;
    }
}
