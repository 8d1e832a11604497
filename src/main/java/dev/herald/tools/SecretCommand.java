package dev.herald.tools;

import dev.herald.channel.WebhookSigner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code bin/herald secret}: a new webhook signing secret. */
@Command(name = "secret", header = "Print a new webhook signing secret.",
        description = "whsec_ and 32 random bytes, base64: for a subscription's secret (by reference, never in the file).")
final class SecretCommand implements Callable<Integer> {

    @ParentCommand
    HeraldCli cli;

    @Override
    public Integer call() {
        cli.out.println(WebhookSigner.newSecret());
        return 0;
    }
}
