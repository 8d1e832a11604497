package dev.herald.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The deliver route and its beans speak one vocabulary: DeliverRoute's properties and steps, and no others. */
class DeliverRouteTest {

    static final Path ROUTE = Path.of("src/main/resources/herald/core/deliver.camel.yaml");

    @Test
    void theRouteReadsExactlyTheDeclaredPropertiesAndSteps() throws Exception {
        String yaml = Files.readString(ROUTE);
        Set<String> read = new TreeSet<>();
        Matcher m = Pattern.compile("exchangeProperty[.:]\\s*(\\w+)").matcher(yaml);
        while (m.find()) read.add(m.group(1));
        assertThat(read).containsExactlyInAnyOrderElementsOf(DeliverRoute.PROPERTIES);

        Set<String> steps = new TreeSet<>();
        Matcher s = Pattern.compile("heraldStep} [!=]= '(\\w+)'").matcher(yaml);
        while (s.find()) steps.add(s.group(1));
        assertThat(Arrays.stream(DeliverRoute.Step.values()).map(Enum::name))
                .as("every step but NO_CALL, which the route handles as any attempt, is named in the route")
                .containsAll(steps);
        assertThat(steps).containsExactlyInAnyOrder("DONE", "CALL_HTTP", "CALL_URI");
    }
}
