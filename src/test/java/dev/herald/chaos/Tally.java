package dev.herald.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A chaos scenario's accounting, printed and kept in target/chaos-counts.txt. */
record Tally(String scenario, long sent, long accepted, long delivered, long dead, long rejected, long duplicates) {

    void print() throws IOException {
        String line = String.format("chaos %-34s sent=%d accepted=%d delivered=%d dead=%d rejected=%d duplicates=%d%n",
                scenario, sent, accepted, delivered, dead, rejected, duplicates);
        System.out.print(line);
        Files.writeString(Path.of("target/chaos-counts.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
