package dev.herald.tools;

import com.sun.net.httpserver.HttpServer;
import dev.herald.channel.WebhookSigner;
import dev.herald.event.Json;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bin/herald receive}: a loopback webhook receiver for the walkthrough. Prints each delivery and
 * whether its signature verifies, answering 200 (or {@code --status}); with {@code --expect N} it only
 * counts, for load tests.
 */
@Command(name = "receive", sortOptions = false,
        header = "A webhook receiver for trying Herald out.",
        description = "Prints each delivery and whether its signature verifies (secret: data/demo-webhook.secret),"
                + " answering --status. Runs until Ctrl-C.")
final class ReceiveCommand implements Callable<Integer> {

    @ParentCommand
    HeraldCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port = 9000;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--status", paramLabel = "CODE", description = {"The HTTP status to answer (default: ${DEFAULT-VALUE});",
            "503 makes Herald retry, 410 makes it disable the subscription."})
    int status = 200;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "The signing secret to verify with (default: ${DEFAULT-VALUE}).")
    Path secretFile = Path.of("data/demo-webhook.secret");

    @Option(names = "--expect", paramLabel = "N", description = "Only count: print when N webhooks have arrived, and how fast (load tests).")
    int expect;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Usage.require(spec, port >= 0 && port <= 65535, "--port must be 0-65535; got " + port);
        Usage.require(spec, status >= 200 && status <= 599, "--status must be an HTTP status of 200-599, such as 503; got " + status);
        Usage.require(spec, expect >= 0, "--expect must be 0 or more; got " + expect);
        if (expect > 0) {
            countOnly();
            return untilStopped();
        }
        if (!Files.isReadable(secretFile)) {
            throw new IllegalArgumentException("cannot read the signing secret " + secretFile
                    + "; give --secret-file, or start Herald once with bin/herald run (it makes data/demo-webhook.secret)");
        }
        byte[] key = WebhookSigner.decodeSecret(Files.readString(secretFile).trim());
        HttpServer server = listen();
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
            String sig = ex.getRequestHeaders().getFirst("webhook-signature");
            boolean valid = id != null && ts != null && sig != null
                    && List.of(sig.split(" ")).stream().anyMatch(s -> MessageDigest.isEqual(
                            s.getBytes(StandardCharsets.UTF_8),
                            WebhookSigner.sign(id, Long.parseLong(ts), body, List.of(key)).getBytes(StandardCharsets.UTF_8)));
            cli.out.printf("%s  POST %s  webhook-id=%s  %s%n%s%n%n", Instant.now(), ex.getRequestURI(), id,
                    sig == null ? "unsigned (not a webhook: Slack, ...)" : valid ? "signature VALID" : "signature INVALID",
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.MAPPER.readTree(body)));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        cli.out.println("Receiving webhooks on http://" + host + ":" + port + "/ (answering " + status + "); Ctrl-C to stop.");
        return untilStopped();
    }

    /** The server's threads do the work; bin/herald exits when the command returns, so it does not. */
    private static int untilStopped() throws InterruptedException {
        new CountDownLatch(1).await();
        return 0;
    }

    private HttpServer listen() throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (BindException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); stop what listens there, or give another --port");
        }
    }

    /** Load-test receiver: answers 200 at once, prints when {@code expect} requests have arrived and how fast. */
    private void countOnly() throws IOException {
        AtomicInteger n = new AtomicInteger();
        AtomicLong first = new AtomicLong();
        HttpServer server = listen();
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
            int k = n.incrementAndGet();
            long now = System.currentTimeMillis();
            first.compareAndSet(0, now);
            if (k == expect) {
                cli.out.printf("received %d webhooks; first at %d, last at %d (%d ms apart)%n", k, first.get(), now, now - first.get());
            }
        });
        server.start();
        cli.out.println("Counting webhooks on http://" + host + ":" + port + "/ until " + expect + " have arrived.");
    }
}
