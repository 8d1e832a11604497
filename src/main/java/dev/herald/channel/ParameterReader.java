package dev.herald.channel;

/**
 * What one channel makes of its parameters beyond what its contract's schema says: secrets, URLs,
 * defaults, templates, and where it connects. Each channel has one, next to its {@link Channel}.
 */
interface ParameterReader {

    /** The settings, with every problem added to {@code p}; the result is not used when there is any. */
    ChannelSettings read(Parameters p);
}
