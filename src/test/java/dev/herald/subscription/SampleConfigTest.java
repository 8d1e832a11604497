package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.channel.ChannelContract;
import dev.herald.channel.WebhookSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository's own config/subscriptions.yaml loads, and shows one subscription per channel. */
class SampleConfigTest {

    @TempDir
    Path dir;

    @Test
    void theSampleSubscriptionsLoadAndCoverEveryChannel() throws Exception {
        Files.writeString(dir.resolve("secret"), WebhookSigner.newSecret());
        Path copy = dir.resolve("subscriptions.yaml");
        Files.writeString(copy, Files.readString(Path.of("config/subscriptions.yaml"))
                .replace("secretFile: data/demo-webhook.secret", "secretFile: " + dir.resolve("secret")));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            List<Subscription> subs = new SubscriptionLoader(camel::resolvePropertyPlaceholders,
                    RetrySchedule.parse(RetrySchedule.DEFAULT, 0.2)).load(copy);
            assertThat(subs.stream().map(Subscription::channel).distinct())
                    .containsExactlyInAnyOrderElementsOf(ChannelContract.CHANNELS);
        }
    }
}
