package dev.herald.yaml;

import java.util.Comparator;

/** One problem in a configuration file, where it is written (1-based), what is wrong and what to write instead. */
public record FileProblem(int line, int column, String what, String fix) {

    /** In the order a reader meets them in the file. */
    public static final Comparator<FileProblem> IN_FILE_ORDER = Comparator.comparingInt(FileProblem::line).thenComparingInt(FileProblem::column);

    /** {@code file:line:column: what is wrong — what to write instead}, the form editors and CI logs link to. */
    public String format(Object file) {
        return file + ":" + line + ":" + column + ": " + what + " — " + fix;
    }
}
