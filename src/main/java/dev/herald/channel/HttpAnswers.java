package dev.herald.channel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Reading an HTTP answer as the deliver stage puts it on the exchange: the status, and the first bytes of the body. */
final class HttpAnswers {

    private HttpAnswers() {}

    static Integer status(Message m) {
        return m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    static String excerpt(Message m, int maxBytes) {
        try (InputStream in = m.getBody(InputStream.class)) {
            if (in == null) return null;
            byte[] buf = in.readNBytes(maxBytes);
            return buf.length == 0 ? null : new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    static void post(Message m, String url, String userAgent) {
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader("User-Agent", userAgent);
        m.setHeader(Exchange.HTTP_URI, url);
    }
}
