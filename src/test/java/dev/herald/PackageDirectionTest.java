package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md, "Where things live", lists the packages from the top down and says each
 * uses only those below it. This holds the code to the map: every package is on it, and no import
 * points up or sideways.
 */
class PackageDirectionTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/herald");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.herald\\.(?:([a-z]+)\\.)?[A-Z]", Pattern.MULTILINE);
    private static final String ROOT = "(root)";

    @Test
    void everyPackageIsOnTheMapAndEveryImportPointsDown() throws IOException {
        Map<String, Integer> rank = mapOfPackages();
        List<String> upward = new ArrayList<>();
        TreeSet<String> missing = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = packageOf(f);
                if (!rank.containsKey(from)) {
                    missing.add(from);
                    continue;
                }
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String to = m.group(1) == null ? ROOT : m.group(1);
                    if (to.equals(from)) continue;
                    if (!rank.containsKey(to)) missing.add(to);
                    else if (rank.get(to) <= rank.get(from)) upward.add(SOURCES.relativize(f) + " uses " + to);
                }
            }
        }
        assertThat(missing).as("packages missing from the map in docs/architecture.md").isEmpty();
        assertThat(upward).as("imports of a package at the same level or above (docs/architecture.md, Where things live)").isEmpty();
    }

    /** Each package's row in the map's table, top row 0; packages sharing a row share its rank. */
    private static Map<String, Integer> mapOfPackages() throws IOException {
        String doc = Files.readString(Path.of("docs/architecture.md"));
        String section = doc.substring(doc.indexOf("## Where things live"), doc.indexOf("## The stages"));
        Map<String, Integer> rank = new HashMap<>();
        int row = 0;
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `") && !line.startsWith("| " + ROOT)) continue;
            String cell = line.split("\\|")[1];
            if (cell.contains(ROOT)) rank.put(ROOT, row);
            Matcher name = Pattern.compile("`([a-z]+)`").matcher(cell);
            while (name.find()) rank.put(name.group(1), row);
            row++;
        }
        assertThat(rank).as("the map's packages").containsKeys(ROOT, "config", "store", "event");
        return rank;
    }

    private static String packageOf(Path file) {
        Path dir = SOURCES.relativize(file).getParent();
        return dir == null ? ROOT : dir.toString().replace('/', '.');
    }
}
