package dev.herald.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A STOMP 1.2 client of raw text frames over a socket: what a non-Java legacy system (or an
 * attacker) speaks, with no client library between the test and the broker.
 */
public final class Stomp implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public Stomp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(5000);
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    public static Stomp open(int port) throws IOException {
        return new Stomp(new Socket("127.0.0.1", port));
    }

    /** CONNECT (with a login when {@code login} is not null); the broker's answer frame. */
    public String connect(String login, String passcode) throws IOException {
        return frame("CONNECT\naccept-version:1.2\nhost:localhost\n"
                + (login == null ? "" : "login:" + login + "\npasscode:" + passcode + "\n") + "\n");
    }

    /** SEND with a receipt: RECEIPT when the broker took it, ERROR when it did not. */
    public String send(String destination, String body) throws IOException {
        return frame("SEND\ndestination:" + destination + "\ndestination-type:ANYCAST\ncontent-type:application/json\nreceipt:s\n\n" + body);
    }

    /** SUBSCRIBE (consume) with a receipt: RECEIPT when the broker lets this login take messages, ERROR when not. */
    public String subscribe(String destination) throws IOException {
        return frame("SUBSCRIBE\nid:1\ndestination:" + destination + "\nsubscription-type:ANYCAST\nack:client-individual\nreceipt:sub\n\n");
    }

    /** The next frame from the broker (MESSAGE, ERROR, ...), or null when none comes within the timeout. */
    public String next() throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        try {
            for (int c = in.read(); c != 0; c = in.read()) {
                if (c < 0) return frame.size() == 0 ? null : frame.toString(StandardCharsets.UTF_8);
                if (frame.size() == 0 && (c == '\n' || c == '\r')) continue; // heart-beats between frames
                frame.write(c);
            }
        } catch (SocketTimeoutException e) {
            return frame.size() == 0 ? null : frame.toString(StandardCharsets.UTF_8);
        }
        return frame.toString(StandardCharsets.UTF_8);
    }

    /** Writes a frame (the terminating NUL is added) and reads the answer. */
    public String frame(String frame) throws IOException {
        out.write((frame + "\0").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return next();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
