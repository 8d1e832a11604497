package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import dev.herald.event.TypePattern;

class SubscriptionIndexTest {

    static final String[] WORDS = {"order", "user", "payment", "created", "failed", "line", "added", "v2"};

    @Test
    void findsExactlyWhatScanningAllSubscriptionsFinds() {
        Random random = new Random(42);
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            subs.add(sub("s" + i, randomPattern(random)));
        }
        SubscriptionIndex index = new SubscriptionIndex(subs);
        for (int i = 0; i < 500; i++) {
            String type = randomType(random);
            Set<String> scanned = subs.stream().filter(s -> s.types().get(0).matches(type)).map(Subscription::id).collect(Collectors.toSet());
            Set<String> indexed = index.candidates(type).stream().map(Subscription::id).collect(Collectors.toSet());
            assertThat(indexed).as(type).isEqualTo(scanned);
        }
    }

    @Test
    void aSubscriptionWithSeveralMatchingPatternsIsFoundOnce() {
        Subscription s = new Subscription("multi", null, List.of(new TypePattern("order.*"), new TypePattern("order.created"),
                new TypePattern("*")), null, "webhook", null, List.of(), Map.of(), null, null, RetrySchedule.parse("0s", 0), false);
        assertThat(new SubscriptionIndex(List.of(s)).candidates("order.created")).hasSize(1);
    }

    static Subscription sub(String id, String pattern) {
        return new Subscription(id, null, List.of(new TypePattern(pattern)), null, "webhook", null, List.of(), Map.of(), null, null, RetrySchedule.parse("0s", 0), false);
    }

    static String randomType(Random r) {
        int n = 1 + r.nextInt(3);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) parts.add(WORDS[r.nextInt(WORDS.length)]);
        return String.join(".", parts);
    }

    static String randomPattern(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "*";
            case 1, 2 -> randomType(r);
            case 3 -> randomType(r) + ".*";
            case 4 -> "*." + WORDS[r.nextInt(WORDS.length)];
            default -> WORDS[r.nextInt(WORDS.length)] + ".*." + WORDS[r.nextInt(WORDS.length)];
        };
    }

    @Test
    void theRandomPatternsCoverEveryKind() {
        Random random = new Random(7);
        Set<String> kinds = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            TypePattern p = new TypePattern(randomPattern(random));
            kinds.add(p.isExact() ? "exact" : p.isPrefix() ? "prefix" : "general");
        }
        assertThat(kinds).containsExactlyInAnyOrder("exact", "prefix", "general");
    }
}
