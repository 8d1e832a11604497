package dev.herald.tools;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks of option values picocli cannot make itself (a range, options that go together): a usage error, exit 2. */
final class Usage {

    private Usage() {}

    static void require(CommandSpec spec, boolean ok, String message) {
        if (!ok) throw new ParameterException(spec.commandLine(), message);
    }
}
