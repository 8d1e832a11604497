package dev.herald.support;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A webhook receiver and a Herald for all the tests of a class: started before the first, stopped
 * after the last (or at once, if the start fails).
 *
 * <pre>
 * &#64;RegisterExtension
 * static final HeraldExtension env = new HeraldExtension(r -> TestHerald.webhooks("a " + r.url("/a")), Map.of());
 * ... env.herald().send("legacy.orders", ...); env.receiver().requests("/a") ...
 * </pre>
 */
public final class HeraldExtension implements BeforeAllCallback, AfterAllCallback {

    private final Function<Receiver, String> subscriptions;
    private final Map<String, String> settings;
    private Receiver receiver;
    private TestHerald herald;

    /** @param subscriptions the subscriptions file, made with the receiver's URLs (see {@link TestHerald#start}) */
    public HeraldExtension(Function<Receiver, String> subscriptions, Map<String, String> settings) {
        this.subscriptions = subscriptions;
        this.settings = settings;
    }

    public Receiver receiver() {
        return receiver;
    }

    public TestHerald herald() {
        return herald;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        receiver = new Receiver();
        try {
            herald = TestHerald.start(subscriptions.apply(receiver), settings);
        } catch (Exception | Error e) {
            receiver.close();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (herald != null) herald.close();
        } finally {
            receiver.close();
        }
    }
}
