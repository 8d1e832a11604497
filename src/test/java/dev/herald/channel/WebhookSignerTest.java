package dev.herald.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.support.StandardWebhooksVerifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    // The Standard Webhooks specification's published test vector.
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TS = 1614265330L;
    static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void reproducesTheSpecsPublishedSignature() {
        assertThat(WebhookSigner.sign(ID, TS, BODY, List.of(WebhookSigner.decodeSecret(SECRET))))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void anIndependentVerifierAcceptsItAndRejectsTampering() throws Exception {
        String sig = WebhookSigner.sign(ID, TS, BODY, List.of(WebhookSigner.decodeSecret(SECRET)));
        assertThat(StandardWebhooksVerifier.verify(SECRET, ID, Long.toString(TS), sig, BODY, TS, 300)).isTrue();
        assertThat(StandardWebhooksVerifier.verify(SECRET, ID, Long.toString(TS + 1), sig, BODY, TS, 300)).isFalse();
        assertThat(StandardWebhooksVerifier.verify(SECRET, "msg_other", Long.toString(TS), sig, BODY, TS, 300)).isFalse();
        assertThat(StandardWebhooksVerifier.verify(SECRET, ID, Long.toString(TS), sig, "{}".getBytes(), TS, 300)).isFalse();
    }

    @Test
    void severalSecretsGiveASpaceSeparatedListEachVerifiable() throws Exception {
        String other = WebhookSigner.newSecret();
        String header = WebhookSigner.sign(ID, TS, BODY, List.of(WebhookSigner.decodeSecret(SECRET), WebhookSigner.decodeSecret(other)));
        assertThat(header.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        assertThat(StandardWebhooksVerifier.verify(SECRET, ID, Long.toString(TS), header, BODY, TS, 300)).isTrue();
        assertThat(StandardWebhooksVerifier.verify(other, ID, Long.toString(TS), header, BODY, TS, 300)).isTrue();
    }

    @Test
    void secretsAreCheckedForFormAndSize() {
        assertThat(WebhookSigner.newSecret()).startsWith("whsec_");
        assertThat(WebhookSigner.decodeSecret(WebhookSigner.newSecret())).hasSize(32);
        assertThatThrownBy(() -> WebhookSigner.decodeSecret("whsec_c2hvcnQ=")).hasMessageContaining("24 to 64");
        assertThatThrownBy(() -> WebhookSigner.decodeSecret("whsec_not base64!")).hasMessageContaining("base64");
    }
}
