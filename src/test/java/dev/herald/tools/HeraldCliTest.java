package dev.herald.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** bin/herald's command line: help for every command, and each usage mistake an error naming it, exit status 2. */
class HeraldCliTest {

    @TempDir
    Path dir;

    /** What one command line printed and returned. */
    record Run(int status, String out, String err) {}

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = HeraldCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theCommandListNamesEveryCommandAndTheExitCodes() {
        Run run = cli("--help");
        assertThat(run.status()).isZero();
        for (String command : List.of("run", "receive", "send", "kafka", "route", "validate", "rejected", "secret", "apikey", "sql")) {
            assertThat(run.out()).containsPattern("(?m)^  " + command + " +\\S");
        }
        assertThat(run.out()).contains("Exit codes:", "0   ok", "1   the command failed", "2   usage");
        assertThat(cli().out()).isEqualTo(run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "receive", "send", "kafka", "route", "validate", "rejected", "rejected list", "rejected show",
            "rejected redrive", "secret", "apikey", "sql"})
    void everyCommandHasHelp(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        Run run = cli(args.toArray(String[]::new));
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("Usage: bin/herald " + command, "-h, --help", "Exit codes:");
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            receive --bogus                          | Unknown option: '--bogus'
            receive --status                         | Missing required parameter for option '--status' (CODE)
            receive --port 9000 --status             | Missing required parameter for option '--status' (CODE)
            receive --status abc                     | Invalid value for option '--status': 'abc' is not an int
            receive --status 42                      | --status must be an HTTP status of 200-599, such as 503; got 42
            send --count many                        | Invalid value for option '--count': 'many' is not an int
            send --count 0                           | --count must be 1 or more; got 0
            send --file --count 2                    | Expected parameter for option '--file' but found '--count'
            send --topic t                           | --topic goes with --kafka BROKERS
            send --kafka 127.0.0.1:9 --queue q       | --queue is for sending over JMS
            send --kafka 127.0.0.1:9 --header ce_type | --header wants NAME=VALUE, such as --header ce_type=order.created; got 'ce_type'
            route                                    | Missing required option: '--event=FILE'
            route --event e.json --at soon           | Invalid value for option '--at': 'soon' is not a long
            validate a b                             | Unmatched argument at index 2: 'b'
            apikey                                   | Missing required parameter: 'NAME'
            apikey 'shop backend'                    | 'shop backend' cannot name a key
            sql                                      | Missing required parameter: 'SQL'
            kafka --port                             | Unknown option: '--port'
            rejected list --limit x                  | Invalid value for option '--limit': 'x' is not an int
            rejected list --from yesterday           | Invalid value for option '--from': 'yesterday' is not a time; write it as 2025-06-01T12:00:00Z
            rejected list --url ftp://herald         | 'ftp://herald' is not an HTTP URL; write it as http://127.0.0.1:8080
            rejected show                            | Missing required parameter: 'ID'
            rejected redrive                         | say what to re-drive: message ids, or --route ROUTE
            rejected redrive a1 --route r            | give message ids or --route, not both
            rejected redrive a1 --dry-run            | --from, --to and --dry-run go with --route
            run herald.broker.port=1                 | 'herald.broker.port=1' is not a setting; write --key=value
            nope                                     | unknown command 'nope'
            """)
    void aUsageMistakeIsNamedAndExitsTwo(String args, String message) {
        Run run = cli(split(args));
        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message).contains("--help' for the");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMisspeltCommandGetsASuggestion() {
        assertThat(cli("sendd").err()).contains("unknown command 'sendd'", "Did you mean: bin/herald send");
    }

    @Test
    void validateRefusesADirectoryWithNothingToCheck() throws Exception {
        Run missing = cli("validate", dir.resolve("nowhere").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("no such directory: " + dir.resolve("nowhere"));
        Run empty = cli("validate", dir.toString());
        assertThat(empty.status()).isEqualTo(2);
        assertThat(empty.err()).contains("has neither routes/ nor config/");
    }

    @Test
    void validateExitsOneWhenItFindsProblems() throws Exception {
        Files.createDirectories(dir.resolve("config"));
        Files.copy(Path.of("config/application.properties"), dir.resolve("config/application.properties"));
        Files.writeString(dir.resolve("config/subscriptions.yaml"), """
                subscriptions:
                  - id: ledger
                    types: ["payment.*"]
                    channel: kafka
                    parameters: {}
                """);
        Run run = cli("validate", dir.toString());
        assertThat(run.status()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("config/subscriptions.yaml:", "parameters.topic is missing", "1 problem(s)");
    }

    @Test
    void apikeyAndSecretPrintWhatTheySay() {
        Run key = cli("apikey", "shop-backend");
        assertThat(key.status()).isZero();
        assertThat(key.out()).containsPattern("key \\(give it to shop-backend, Herald keeps only its hash\\): hk_\\S+")
                .containsPattern("shop-backend:[0-9a-f]{64}");
        Run secret = cli("secret");
        assertThat(secret.status()).isZero();
        assertThat(secret.out()).matches("whsec_[A-Za-z0-9+/=]{40,}\\R");
    }

    @Test
    void heraldsOwnEntryPointRefusesAnArgumentThatIsNotASettingWithStatusTwo() throws Exception {
        Process p = java("dev.herald.Herald", "--herald.broker.port=61617", "herald.http.port=1");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("bin/herald run: 'herald.http.port=1' is not a setting; write --key=value");
    }

    /** The command as its own JVM (the class path of the tests), its stdout and stderr together. */
    static Process java(String mainClass, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Splits on spaces, keeping 'quoted words' together. */
    static String[] split(String args) {
        List<String> out = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(args.trim());
        while (m.find()) out.add(m.group(1) != null ? m.group(1) : m.group(2));
        return out.toArray(String[]::new);
    }
}
