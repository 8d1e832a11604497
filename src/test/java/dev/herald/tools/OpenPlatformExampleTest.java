package dev.herald.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** examples/open-platform validates, and its sample events reach exactly the intended subscriptions. */
class OpenPlatformExampleTest {

    static final Path EXAMPLE = Path.of("examples/open-platform");

    @BeforeAll
    static void demoSecret() throws Exception {
        Path secret = Path.of("data/demo-webhook.secret");
        if (!Files.exists(secret)) {
            Files.createDirectories(secret.getParent());
            Files.writeString(secret, dev.herald.channel.WebhookSigner.newSecret());
        }
    }

    @Test
    void theExampleHasNoProblems() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Validate.run(EXAMPLE, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("4 file(s) checked, no problems");
        assertThat(status).isZero();
    }

    @Test
    void eachSampleEventGoesWhereTheFiltersSay() throws Exception {
        assertThat(matched("order-created-de.json")).containsExactly("acme-logistics");
        assertThat(matched("payment-failed-large.json")).containsExactly("globex-ledger", "finance-mailbox");
        assertThat(matched("signup-pro.json")).containsExactly("initech-crm");
    }

    private static List<String> matched(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = RouteDryRun.run(EXAMPLE.resolve("events").resolve(event), EXAMPLE.resolve("config/subscriptions.yaml"),
                1_800_000_000_000L, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        Matcher m = Pattern.compile("(?m)^\\+ ([a-z-]+): matched").matcher(out.toString(StandardCharsets.UTF_8));
        return m.results().map(r -> r.group(1)).collect(Collectors.toList());
    }
}
