package dev.herald.http;

import dev.herald.broker.Publisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for {@code POST /events}: requests served at the same time hand their messages to a
 * committer, which sends everything waiting in one JMS transaction and commits once, then lets each
 * request answer. When {@link #send} returns, the request's messages are on the broker's disk; when
 * it throws, none of them are.
 *
 * <p>A request that finds the committer idle is committed at once (it is a group of one: nothing
 * waits for company); requests that arrive while a commit is under way form the next group, so
 * groups grow with the load and a commit's cost is shared by as many requests as waited for it.
 * Each request's messages stay together (a batch request is all or nothing, as before). If a
 * group's commit fails, its requests are committed again one by one, so a request the broker
 * refuses fails alone and the others of its group are not held back with it.
 *
 * <p>A request with a group's worth of messages by itself (a batch) shares its commit among its own
 * events already: it commits on its own thread, beside the groups, as it did before — queued behind
 * the committer it would only wait, and the one committer thread would send for everyone.
 */
public final class GroupCommit extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** Counts each commit (for the metrics). */
    public interface Commits {
        void committed();
    }

    /** One request's messages and its answer. */
    private record Request(List<Publisher.Outgoing> messages, CompletableFuture<Void> done) {}

    private final Publisher publisher;
    private final int maxGroupMessages;
    private final Commits commits;
    private final LinkedBlockingQueue<Request> waiting = new LinkedBlockingQueue<>();
    private volatile Thread committer;
    /** Set once stopping begins; a request sent before the start waits for it (the HTTP routes start after this service). */
    private volatile boolean stopping;

    /**
     * @param maxGroupMessages a group takes further requests only while it has fewer messages than
     *                         this, and a request with this many commits on its own
     */
    public GroupCommit(Publisher publisher, int maxGroupMessages, Commits commits) {
        this.publisher = publisher;
        this.maxGroupMessages = maxGroupMessages;
        this.commits = commits;
    }

    /** Sends the messages in the next group's transaction and returns once it has committed; throws if it did not. */
    public void send(List<Publisher.Outgoing> messages) throws Exception {
        if (messages.isEmpty()) return;
        if (stopping) throw new IllegalStateException("Herald is stopping");
        if (messages.size() >= maxGroupMessages) {
            publisher.send(messages);
            commits.committed();
            return;
        }
        Request r = new Request(messages, new CompletableFuture<>());
        waiting.add(r);
        // Stopped meanwhile: doStop may have drained the queue before this request was in it.
        if (stopping && waiting.remove(r)) throw new IllegalStateException("Herald is stopping");
        try {
            r.done().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        }
    }

    /** Requests waiting for the next group (tests: requests sent before the committer starts are one group). */
    int waiting() {
        return waiting.size();
    }

    @Override
    protected void doStart() {
        Thread t = new Thread(this::run, "herald-ingest-commit");
        t.setDaemon(true);
        committer = t;
        t.start();
    }

    @Override
    protected void doStop() throws Exception {
        stopping = true;
        Thread t = committer;
        committer = null;
        if (t != null) {
            t.interrupt();
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        for (Request r; (r = waiting.poll()) != null; ) r.done().completeExceptionally(new IllegalStateException("Herald is stopping"));
    }

    private void run() {
        List<Request> group = new ArrayList<>();
        while (committer == Thread.currentThread()) {
            try {
                group.add(waiting.take());
                int messages = group.get(0).messages().size();
                for (Request next; messages < maxGroupMessages && (next = waiting.poll()) != null; ) {
                    group.add(next);
                    messages += next.messages().size();
                }
                commit(group);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                // Never leave a request waiting: whatever went wrong is its answer.
                for (Request r : group) r.done().completeExceptionally(e);
                LOG.error("The ingest committer failed", e);
            } finally {
                group.clear();
            }
        }
    }

    private void commit(List<Request> group) {
        try {
            List<Publisher.Outgoing> all = new ArrayList<>();
            for (Request r : group) all.addAll(r.messages());
            publisher.send(all);
            commits.committed();
            for (Request r : group) r.done().complete(null);
            return;
        } catch (Exception e) {
            if (group.size() == 1) {
                group.get(0).done().completeExceptionally(e);
                return;
            }
            LOG.debug("A group commit of {} requests failed ({}); committing them one by one", group.size(), e.getMessage());
        }
        // One request at a time: the one the broker refuses fails alone.
        for (Request r : group) {
            try {
                publisher.send(r.messages());
                commits.committed();
                r.done().complete(null);
            } catch (Exception e) {
                r.done().completeExceptionally(e);
            }
        }
    }
}
