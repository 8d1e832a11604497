package dev.herald.tools;

import com.sun.net.httpserver.HttpServer;
import dev.herald.deliver.WebhookSigner;
import dev.herald.event.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;

/** Small commands behind {@code bin/herald}: {@code secret} and {@code receive}. */
public final class Tools {

    private Tools() {}

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "" : args[0];
        switch (cmd) {
            case "secret" -> System.out.println(WebhookSigner.newSecret());
            case "receive" -> receive(args);
            default -> {
                System.err.println("usage: Tools secret | receive [--port 9000] [--secret-file data/demo-webhook.secret]");
                System.exit(2);
            }
        }
    }

    /**
     * A loopback webhook receiver for the walkthrough: prints each delivery and whether its
     * signature verifies, answering 200 (or the status in {@code --status}).
     */
    static void receive(String[] args) throws IOException {
        int port = 9000;
        int status = 200;
        Path secretFile = Path.of("data/demo-webhook.secret");
        for (int i = 1; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--status" -> status = Integer.parseInt(args[i + 1]);
                case "--secret-file" -> secretFile = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        byte[] key = WebhookSigner.decodeSecret(Files.readString(secretFile).trim());
        int answer = status;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
            String sig = ex.getRequestHeaders().getFirst("webhook-signature");
            boolean valid = id != null && ts != null && sig != null
                    && List.of(sig.split(" ")).stream().anyMatch(s -> MessageDigest.isEqual(
                            s.getBytes(StandardCharsets.UTF_8),
                            WebhookSigner.sign(id, Long.parseLong(ts), body, List.of(key)).getBytes(StandardCharsets.UTF_8)));
            System.out.printf("%s  POST %s  webhook-id=%s  signature %s%n%s%n%n", Instant.now(), ex.getRequestURI(), id,
                    valid ? "VALID" : "INVALID",
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.MAPPER.readTree(body)));
            ex.sendResponseHeaders(answer, -1);
            ex.close();
        });
        server.start();
        System.out.println("Receiving webhooks on http://127.0.0.1:" + port + "/ (answering " + status + "); Ctrl-C to stop.");
    }

}
