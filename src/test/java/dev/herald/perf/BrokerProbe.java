package dev.herald.perf;

import dev.herald.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * What the embedded broker holds for a set of queues: messages (scheduled, being delivered, paged
 * to disk), their size, and whether their address pages. Herald exposes only a queue's message
 * count, so this reaches the Artemis server inside {@link EmbeddedBroker} by reflection; if that
 * ever fails (the field renamed), it falls back to the message count alone and says so.
 */
final class BrokerProbe {

    /** One queue as the broker has it now. {@code pagedMessages}/{@code pages}: -1 when unknown. */
    record QueueState(String name, long messages, long scheduled, long delivering, long pagedMessages, long persistentBytes,
                      boolean paging, long pages, long addressBytes) {

        String line() {
            return String.format("%s: %,d messages (%,d scheduled, %,d being delivered, %s paged), %,.1f MB;"
                            + " address %s, %,.1f MB in memory",
                    name, messages, scheduled, delivering, pagedMessages < 0 ? "?" : String.format("%,d", pagedMessages),
                    persistentBytes / 1e6, paging ? "paging (" + pages + " page files)" : "not paging", addressBytes / 1e6);
        }
    }

    private final EmbeddedBroker broker;
    private final ActiveMQServer server;
    private final Path brokerDir;

    BrokerProbe(EmbeddedBroker broker, Path brokerDir) {
        this.broker = broker;
        this.brokerDir = brokerDir;
        ActiveMQServer found = null;
        try {
            var f = EmbeddedBroker.class.getDeclaredField("server");
            f.setAccessible(true);
            found = ((EmbeddedActiveMQ) f.get(broker)).getActiveMQServer();
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("(broker probe: cannot reach the Artemis server inside EmbeddedBroker (" + e
                    + "); message counts only)");
        }
        server = found;
    }

    /** Every queue whose name passes {@code which}, by name. */
    List<QueueState> queues(Predicate<String> which) {
        List<QueueState> out = new ArrayList<>();
        if (server == null) {
            for (String q : List.of("herald.deliveries")) {
                if (which.test(q)) out.add(new QueueState(q, broker.messageCount(q), -1, -1, -1, -1, false, -1, -1));
            }
            return out;
        }
        server.getPostOffice().getAllBindings().filter(b -> b instanceof LocalQueueBinding)
                .map(b -> ((LocalQueueBinding) b).getQueue()).filter(q -> which.test(q.getName().toString()))
                .sorted((a, b) -> a.getName().toString().compareTo(b.getName().toString()))
                .forEach(q -> out.add(state(q)));
        return out;
    }

    private static QueueState state(Queue q) {
        PagingStore ps = q.getPagingStore();
        var sub = q.getPageSubscription();
        return new QueueState(q.getName().toString(), q.getMessageCount(), q.getScheduledCount(), q.getDeliveringCount(),
                sub == null ? 0 : sub.getMessageCount(), q.getPersistentSize(), ps != null && ps.isPaging(),
                ps == null ? 0 : ps.getNumberOfPages(), ps == null ? 0 : ps.getAddressSize());
    }

    long count(String queue) {
        return broker.messageCount(queue);
    }

    /** Bytes on disk under the broker's folder: its journal and its page files. */
    long journalBytes() {
        return bytes(brokerDir.resolve("journal"));
    }

    long pagingBytes() {
        return bytes(brokerDir.resolve("paging"));
    }

    /** Removes a benchmark's data folder (its journal and H2 store reach hundreds of MB). */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.out.println("(could not remove " + dir + ": " + e + ")");
        }
    }

    static long bytes(Path dir) {
        if (!Files.exists(dir)) return 0;
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // removed while we looked
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }
}
