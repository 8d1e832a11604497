package dev.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TypePatternTest {

    @Test
    void wildcardsMatchAnyRunOfCharacters() {
        assertThat(new TypePattern("*").matches("order.created")).isTrue();
        assertThat(new TypePattern("order.*").matches("order.created")).isTrue();
        assertThat(new TypePattern("order.*").matches("order.line.added")).isTrue();
        assertThat(new TypePattern("order.*").matches("order")).isFalse();
        assertThat(new TypePattern("order.*").matches("orders.created")).isFalse();
        assertThat(new TypePattern("*.created").matches("user.created")).isTrue();
        assertThat(new TypePattern("*.created").matches("user.deleted")).isFalse();
        assertThat(new TypePattern("order.*.added").matches("order.line.added")).isTrue();
        assertThat(new TypePattern("order.*.added").matches("order.line.removed")).isFalse();
        assertThat(new TypePattern("order.created").matches("order.created")).isTrue();
        assertThat(new TypePattern("order.created").matches("order.created.v2")).isFalse();
    }

    @Test
    void theKindOfPatternDecidesHowItIsIndexed() {
        assertThat(new TypePattern("order.created").isExact()).isTrue();
        assertThat(new TypePattern("order.*").isPrefix()).isTrue();
        assertThat(new TypePattern("order.*").prefix()).isEqualTo("order.");
        assertThat(new TypePattern("*").isPrefix()).isTrue();
        assertThat(new TypePattern("*.created").isPrefix()).isFalse();
        assertThat(new TypePattern("ord*").isPrefix()).isFalse();
    }

    @Test
    void nonsenseIsRefusedWithAnExample() {
        assertThatThrownBy(() -> new TypePattern("order created")).hasMessageContaining("\"order.*\"");
        assertThatThrownBy(() -> new TypePattern("order..created")).isInstanceOf(IllegalArgumentException.class);
    }
}
