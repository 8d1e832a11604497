package dev.herald.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonPointer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class YamlFileTest {

    static final Path FILE = Path.of("config/subscriptions.yaml");

    static final String YAML = """
            subscriptions:
              - id: acme
                parameters:
                  url: https://acme.example/hooks
                retry: [0s, soon]
              - {id: flow, channel: kafka}
            """;

    YamlFile.Position at(String pointer, boolean key) {
        return YamlFile.parse(FILE, YAML).position(JsonPointer.compile(pointer), key);
    }

    @Test
    void aKeyAValueAndAListItemAreFoundWhereTheyAreWritten() {
        assertThat(at("/subscriptions/0/parameters/url", true)).isEqualTo(new YamlFile.Position(4, 7));
        assertThat(at("/subscriptions/0/parameters/url", false)).isEqualTo(new YamlFile.Position(4, 12));
        assertThat(at("/subscriptions/0/retry/1", false)).isEqualTo(new YamlFile.Position(5, 17));
        assertThat(at("/subscriptions/1/channel", false)).isEqualTo(new YamlFile.Position(6, 25));
        assertThat(YamlFile.parse(FILE, YAML).tree().at("/subscriptions/1/channel").asText()).isEqualTo("kafka");
    }

    @Test
    void somethingMissingIsShownAtTheKeyOfItsNearestWrittenParent() {
        assertThat(at("/subscriptions/0/parameters/secret", false)).isEqualTo(new YamlFile.Position(3, 5));
        // A list item has no key: its own start, the `id` of a block map, the `{` of a flow map.
        assertThat(at("/subscriptions/0/types", false)).isEqualTo(new YamlFile.Position(2, 5));
        assertThat(at("/subscriptions/1/types", false)).isEqualTo(new YamlFile.Position(6, 5));
    }

    @Test
    void aSyntaxErrorIsOneProblemAtTheParsersMarkQuotingNothing() {
        ConfigFileException e = catchThrowableOfType(ConfigFileException.class, () -> YamlFile.parse(FILE, """
                subscriptions:
                  - id: acme
                    parameters: {url: "https://acme.example/very-private-path"}
                  - id: broken
                    types: [oops
                    channel: webhook
                """));
        // The list is not closed on its line, so the parser stops at the ':' of the next one.
        assertThat(e.problems()).containsExactly(new FileProblem(6, 12, "not valid YAML: expected ',' or ']', but got :",
                "close the list with ']', or quote a value that contains ',', '[' or ']'"));
        assertThat(e.getMessage()).startsWith("config/subscriptions.yaml has 1 problem(s):\n  config/subscriptions.yaml:6:12: not valid YAML")
                .doesNotContain("very-private-path").doesNotContain("oops").hasLineCount(2);
    }

    @Test
    void aKeyWrittenTwiceIsReportedAtTheRepeat() {
        YamlFile yaml = YamlFile.parse(FILE, """
                a:
                  b: 1
                  c: 2
                  b: 3
                """);
        assertThat(yaml.repeatedKeys()).containsExactly(
                new FileProblem(4, 3, "key 'b' is written twice in the same map (also on line 2)", "keep one: only the last one would count"));
        assertThat(YamlFile.parse(FILE, YAML).repeatedKeys()).isEmpty();
    }
}
