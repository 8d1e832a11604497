package dev.herald.partner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A sealed secret opens only with the key and for the subscription it was sealed for. */
class SecretBoxTest {

    @Test
    void aSealedSecretOpensOnlyWithItsKeyForItsSubscription() {
        SecretBox box = new SecretBox("a shared secret of enough length");
        String sealed = box.seal("acme.orders", "whsec_abc");
        assertThat(sealed).doesNotContain("abc");
        assertThat(box.seal("acme.orders", "whsec_abc")).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(box.open("acme.orders", sealed)).isEqualTo("whsec_abc");

        assertThatThrownBy(() -> box.open("other.orders", sealed)).hasMessageContaining("does not open with key " + box.keyId());
        SecretBox other = new SecretBox("another shared secret, not the same");
        assertThat(other.keyId()).isNotEqualTo(box.keyId()).hasSize(16);
        assertThatThrownBy(() -> other.open("acme.orders", sealed)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SecretBox("short")).hasMessageContaining("at least 16 characters");
    }
}
