package dev.herald.subscription;

import dev.herald.yaml.ConfigFileException;
import dev.herald.yaml.FileProblem;
import java.nio.file.Path;
import java.util.List;

/** A subscriptions file that cannot be used; the message lists every problem, one per line, each at its place. */
public class SubscriptionConfigException extends ConfigFileException {

    public SubscriptionConfigException(Path file, List<FileProblem> problems) {
        super(file, problems);
    }
}
