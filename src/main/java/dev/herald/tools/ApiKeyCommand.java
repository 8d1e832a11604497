package dev.herald.tools;

import dev.herald.http.ApiKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bin/herald apikey NAME}: a new API key for the caller, and the entry (its hash) for Herald's settings. */
@Command(name = "apikey", header = "Print a new HTTP API key and its entry for Herald's settings.",
        description = "The key is for the caller; Herald keeps only its hash, in herald.http.ingest-keys or herald.http.admin-keys.")
final class ApiKeyCommand implements Callable<Integer> {

    @ParentCommand
    HeraldCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "Who uses the key, such as shop-backend (letters, digits, . _ -).")
    String name;

    @Override
    public Integer call() {
        Usage.require(spec, name.matches("[A-Za-z0-9._-]{1,64}"),
                "'" + name + "' cannot name a key: use 1-64 letters, digits, '.', '_' or '-', such as shop-backend");
        String key = ApiKeys.newKey();
        cli.out.println("key (give it to " + name + ", Herald keeps only its hash): " + key);
        cli.out.println("setting entry (add to herald.http.ingest-keys or herald.http.admin-keys, comma separated): "
                + name + ":" + ApiKeys.hash(key));
        return 0;
    }
}
