package dev.herald.subscription;

import java.nio.file.Path;
import java.util.List;

/** A subscriptions file that cannot be used; the message lists every problem, one per line. */
public class SubscriptionConfigException extends RuntimeException {

    private final List<String> problems;

    public SubscriptionConfigException(Path file, List<String> problems) {
        super(file + " has " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
