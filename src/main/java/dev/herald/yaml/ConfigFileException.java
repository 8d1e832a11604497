package dev.herald.yaml;

import java.nio.file.Path;
import java.util.List;

/** A configuration file that cannot be used: every problem in it, each at its place, one per line of the message. */
public class ConfigFileException extends IllegalArgumentException {

    private final transient Path file;
    private final List<FileProblem> problems;

    public ConfigFileException(Path file, List<FileProblem> problems) {
        super(message(file, inFileOrder(problems)));
        this.file = file;
        this.problems = inFileOrder(problems);
    }

    public Path file() {
        return file;
    }

    /** In the order they are written in the file. */
    public List<FileProblem> problems() {
        return problems;
    }

    private static List<FileProblem> inFileOrder(List<FileProblem> problems) {
        return problems.stream().sorted(FileProblem.IN_FILE_ORDER).toList();
    }

    private static String message(Path file, List<FileProblem> problems) {
        return file + " has " + problems.size() + " problem(s):\n  "
                + String.join("\n  ", problems.stream().map(p -> p.format(file)).toList());
    }
}
