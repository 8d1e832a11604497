package dev.herald.support;

import java.io.StringWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Everything logged while it is open (Herald's own loggers at DEBUG), to read what the logs would hold. */
public final class LogCapture implements AutoCloseable {

    private final StringWriter out = new StringWriter();
    private final WriterAppender appender;
    private final LoggerContext context;
    private final Level heraldLevel;

    public LogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = WriterAppender.newBuilder().setName("capture-" + System.nanoTime()).setTarget(out)
                .setLayout(PatternLayout.newBuilder().withPattern("%d %-5level [%t] %c - %msg%n%throwable").build()).build();
        appender.start();
        config.addAppender(appender);
        for (LoggerConfig lc : config.getLoggers().values()) lc.addAppender(appender, null, null);
        config.getRootLogger().addAppender(appender, null, null);
        LoggerConfig herald = config.getLoggerConfig("dev.herald");
        heraldLevel = herald.getLevel();
        herald.setLevel(Level.DEBUG);
        context.updateLoggers();
    }

    public String text() {
        synchronized (out) {
            return out.toString();
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        for (LoggerConfig lc : config.getLoggers().values()) lc.removeAppender(appender.getName());
        config.getRootLogger().removeAppender(appender.getName());
        config.getLoggerConfig("dev.herald").setLevel(heraldLevel);
        context.updateLoggers();
        appender.stop();
    }
}
