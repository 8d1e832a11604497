package dev.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.support.Stomp;
import dev.herald.support.TestHerald;
import java.io.FileInputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the legacy acceptor is one setting away: a keystore and its password. */
class BrokerTlsTest {

    @TempDir
    Path dir;

    @Test
    void withAKeystoreTheBrokerSpeaksTlsOnlyAndStillAsksWhoConnects() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        String password = BrokerLogins.newPassword();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(new String(keytool.getInputStream().readAllBytes())).isTrue();

        try (TestHerald herald = TestHerald.start("subscriptions: []\n", Map.of("herald.broker.tls-keystore", keystore.toString(),
                "herald.broker.tls-keystore-password", password))) {
            SSLContext tls = SSLContext.getInstance("TLS");
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            try (var in = new FileInputStream(keystore.toFile())) {
                trusted.load(in, password.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            tls.init(null, tmf.getTrustManagers(), null);
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", herald.brokerPort());
            try (Stomp stomp = new Stomp(socket)) {
                assertThat(socket.getSession().getProtocol()).startsWith("TLS");
                assertThat(stomp.connect("producer", herald.producerPassword())).startsWith("CONNECTED");
                assertThat(stomp.send("legacy.orders", "{\"orderId\": \"T-1\", \"status\": \"created\"}")).startsWith("RECEIPT");
            }
            try (Stomp anonymous = new Stomp(tls.getSocketFactory().createSocket("127.0.0.1", herald.brokerPort()))) {
                assertThat(anonymous.connect(null, null)).as("TLS does not replace the login").startsWith("ERROR");
            }
            try (Stomp clear = new Stomp(new Socket("127.0.0.1", herald.brokerPort()))) {
                String answer = clear.connect("producer", herald.producerPassword());
                assertThat(answer == null || !answer.startsWith("CONNECTED")).as("a plain-text client gets no session: " + answer).isTrue();
            }
        }
    }
}
