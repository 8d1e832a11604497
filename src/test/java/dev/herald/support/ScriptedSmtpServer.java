package dev.herald.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small SMTP server on loopback that speaks the protocol for real but answers RCPT TO from a
 * script (e.g. "451 4.3.0 try again later", then "250 OK"), for the answers GreenMail cannot give.
 * Accepted messages are kept as raw text.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    private final ServerSocket server;
    private final Deque<String> rcptAnswers = new ConcurrentLinkedDeque<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final List<String> rcptCommands = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public ScriptedSmtpServer() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "scripted-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The answers to the next RCPT TO commands, in order; after them, "250 OK". */
    public void scriptRcpt(String... answers) {
        rcptAnswers.addAll(List.of(answers));
    }

    public List<String> accepted() {
        return accepted;
    }

    public List<String> rcptCommands() {
        return rcptCommands;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                session(s);
            } catch (Exception e) {
                // a client went away; serve the next one
            }
        }
    }

    private void session(Socket s) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII);
        reply(out, "220 scripted.test ESMTP");
        for (String line; (line = in.readLine()) != null; ) {
            String cmd = line.toUpperCase();
            if (cmd.startsWith("EHLO")) {
                reply(out, "250-scripted.test\r\n250 8BITMIME");
            } else if (cmd.startsWith("HELO") || cmd.startsWith("MAIL FROM") || cmd.startsWith("RSET") || cmd.startsWith("NOOP")) {
                reply(out, "250 OK");
            } else if (cmd.startsWith("RCPT TO")) {
                rcptCommands.add(line);
                String answer = rcptAnswers.poll();
                reply(out, answer == null ? "250 OK" : answer);
            } else if (cmd.startsWith("DATA")) {
                reply(out, "354 End data with <CR><LF>.<CR><LF>");
                StringBuilder data = new StringBuilder();
                for (String l; (l = in.readLine()) != null && !l.equals("."); ) data.append(l).append('\n');
                accepted.add(data.toString());
                reply(out, "250 OK queued");
            } else if (cmd.startsWith("QUIT")) {
                reply(out, "221 Bye");
                return;
            } else {
                reply(out, "502 Command not implemented");
            }
        }
    }

    private static void reply(PrintWriter out, String text) {
        out.print(text + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(2000);
    }
}
