package io.wxgate.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route check as an integrator's CI runs it ({@code --check-routes [folder]}): each test is one whole check, the
 * gateway's settings and Camel started and stopped, its output and exit status read as CI reads them.
 */
class RouteCheckTest {

    static final Path SHIPPED = Path.of("routes");

    @TempDir
    Path temp;

    /**
     * Printed to stdout by spring-jcl at every start of the gateway, the check's too, because artemis-server brings
     * commons-logging along (through commons-beanutils); not the check's to say.
     */
    static final String JCL_NOTICE = "Standard Commons Logging discovery in action with spring-jcl";

    record Outcome(int status, String output, String log) {
        /** What the check printed. */
        List<String> lines() {
            return output.lines().filter(l -> !l.startsWith(JCL_NOTICE)).toList();
        }
    }

    /**
     * The check in a JVM of its own, through {@code main} as CI runs it: its exit status is the process's. Not in this
     * JVM: a check sets up Spring Boot's logging for itself, which would change it under the gateway test contexts
     * that later tests of the suite reuse.
     */
    Outcome check(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.wxgate.WxGateApplication"));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile(temp, "check", ".log");
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the check ends").isTrue();
            return new Outcome(process.exitValue(), output, Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyShippedRouteFileHasExamples() throws IOException {
        try (Stream<Path> files = Files.list(SHIPPED)) {
            List<Path> routes = files.filter(f -> f.toString().endsWith(RouteCheck.ROUTE_FILES)).toList();
            assertThat(routes).isNotEmpty();
            for (Path route : routes) {
                String name = route.getFileName().toString().replace(RouteCheck.ROUTE_FILES, RouteCheck.EXAMPLE_FILES);
                assertThat(SHIPPED.resolve(name)).as("examples beside " + route).exists();
            }
        }
    }

    @Test
    void theShippedRoutesPassTheirExamplesWithoutAPortOrTheDataFolder() throws IOException {
        Path data = temp.resolve("data");
        // Held by the test: a check that tried to open the callback or the management port would fail to start.
        try (ServerSocket callbackPort = new ServerSocket(0); ServerSocket managementPort = new ServerSocket(0)) {
            Outcome outcome = check(RouteCheck.OPTION, "--gateway.http-port=" + callbackPort.getLocalPort(),
                    "--server.port=" + managementPort.getLocalPort(), "--gateway.data-dir=" + data);

            assertThat(outcome.lines()).as(outcome.log()).singleElement().asString()
                    .matches("\\d+ examples in 5 files passed");
            assertThat(outcome.status()).isZero();
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void anExampleThatDoesNotHoldFailsNamingItsFileAndLine() throws IOException {
        Path routes = copyOfShippedRoutes();
        replace(routes.resolve("keyword-reply.examples.yaml"), "text: \"周一至周五 9:00–18:00 / Mon–Fri 9:00–18:00\"",
                "text: \"周一至周五 9:00–17:00 / Mon–Fri 9:00–17:00\"");
        replace(routes.resolve("menu-click.examples.yaml"), "title: Latest news", "title: Breaking news");
        replace(routes.resolve("forward.examples.yaml"), "      json: {MsgType: event, Event: CLICK, EventKey: CONTACT_US}",
                "      json: {MsgType: event, Event: CLICK, EventKey: CONTACT_UZ}");
        append(routes.resolve("welcome.examples.yaml"), """

                - name: a third account nobody configured
                  appId: wx3333333333333333
                  message: {Event: subscribe}
                  reply: none
                """);
        Path accounts = temp.resolve("accounts.yaml");
        Files.writeString(accounts, "- app-id: wx2222222222222222\n  app-secret: s\n  token: t\n");

        Outcome outcome = check(RouteCheck.OPTION, routes.toString(), "--wechat.accounts.file=" + accounts);

        assertThat(outcome.lines()).as(outcome.log()).containsExactly(
                at(routes, "forward.examples.yaml", "an event is forwarded with its key")
                        + ": forward to {{wechat.inbound.forward-uri}}: expected JSON EventKey \"CONTACT_UZ\" but got "
                        + "\"CONTACT_US\"",
                at(routes, "keyword-reply.examples.yaml", "hours gets the opening hours")
                        + ": expected reply text \"周一至周五 9:00–17:00 / Mon–Fri 9:00–17:00\" but got "
                        + "\"周一至周五 9:00–18:00 / Mon–Fri 9:00–18:00\"",
                at(routes, "menu-click.examples.yaml", "LATEST_NEWS answers with a news article")
                        + ": expected reply title \"Breaking news\" but got \"Latest news\"",
                at(routes, "welcome.examples.yaml", "a third account nobody configured")
                        + ": no official account wx3333333333333333 is configured (the accounts in force: "
                        + "wx0000000000demo, wx2222222222222222)",
                "4 of " + count(routes, "- name: ") + " examples failed");
        assertThat(outcome.status()).isEqualTo(1);
    }

    @Test
    void aRouteFileThatDoesNotLoadFailsNamingItsFileLineAndReason() throws IOException {
        Path routes = copyOfShippedRoutes();
        // Bad YAML: a step indented under the one before.
        replace(routes.resolve("welcome.camel.yaml"), "                      name: WeChatReplyText\n",
                "                      name: WeChatReplyText\n                    - log: oops\n");
        // A component the gateway does not have.
        replace(routes.resolve("forward.camel.yaml"), "uri: \"{{wechat.inbound.forward-uri}}\"", "uri: \"kafak:wechat\"");
        // A simple expression that does not parse, in the second when of a choice.
        replace(routes.resolve("keyword-reply.camel.yaml"), "${header.WeChatContent} =~ 'hours'",
                "${header.WeChatContent =~ 'hours'");
        // An option the real component does not have.
        Files.writeString(routes.resolve("audit.camel.yaml"), """
                - route:
                    id: audit
                    from:
                      uri: direct:audit
                      steps:
                        - to:
                            uri: "jms:queue:audit?deliveryPersistant=true"
                """);

        // A second route on an input that a shipped route already has.
        Files.writeString(routes.resolve("another-entry.camel.yaml"), """
                - route:
                    id: another-entry
                    from:
                      uri: direct:menu-click
                      steps:
                        - log: "menu click"
                """);

        Outcome outcome = check(RouteCheck.OPTION + "=" + routes);

        // As the gateway logs a reload or a start-up that fails (RouteProblem), for every file at once.
        assertThat(outcome.lines()).as(outcome.log()).containsExactly(
                lineOf(routes.resolve("audit.camel.yaml"), "deliveryPersistant", 0) + ": jms endpoints have no option "
                        + "deliveryPersistant (jms://queue:audit?deliveryPersistant=true)",
                lineOf(routes.resolve("forward.camel.yaml"), "kafak:wechat", 0) + ": No endpoint could be found for: "
                        + "kafak://wechat, please check your classpath contains the needed Camel component jar.",
                lineOf(routes.resolve("keyword-reply.camel.yaml"), "${header.WeChatContent =~ 'hours'", 0)
                        + ": invalid expression ${header.WeChatContent =~ 'hours' || ${header.WeChatContent} == '营业时间'"
                        + ": expected symbol functionEnd but was eol",
                lineOf(routes.resolve("menu-click.camel.yaml"), "id: menu-click", -1) + ": route menu-click: its input "
                        + "direct://menu-click is already that of route another-entry (another-entry.camel.yaml:4)",
                lineOf(routes.resolve("welcome.camel.yaml"), "- log: oops", 0) + ": while parsing a block mapping: "
                        + "expected <block end>, but found '-'",
                "5 problems in the route files; examples not run");
        assertThat(outcome.status()).isEqualTo(1);
    }

    @Test
    void aMistakeInAnExamplesFileIsNamedWithItsLine() throws IOException {
        Path routes = copyOfShippedRoutes();
        replace(routes.resolve("welcome.examples.yaml"), "message: {MsgType: event, Event: unsubscribe}",
                "message: {MsgType: event, Evnt: unsubscribe}");

        Outcome outcome = check(RouteCheck.OPTION, routes.toString());

        assertThat(outcome.lines()).as(outcome.log()).containsExactly(
                lineOf(routes.resolve("welcome.examples.yaml"), "Evnt: unsubscribe", 0)
                        + ": a follower who leaves gets no reply: message field Evnt is not one of WeChat's (did you "
                        + "mean Event?)",
                "1 examples file does not read");
        assertThat(outcome.status()).isEqualTo(1);
    }

    @Test
    void aFolderThatIsNotThereIsAUsageError() {
        Outcome outcome = check(RouteCheck.OPTION, temp.resolve("nowhere").toString());

        assertThat(outcome.lines()).containsExactly("wxgate route check: no folder " + temp.resolve("nowhere"));
        assertThat(outcome.status()).isEqualTo(2);
    }

    private Path copyOfShippedRoutes() throws IOException {
        Path copy = Files.createDirectories(temp.resolve("routes"));
        try (Stream<Path> files = Files.list(SHIPPED)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private static long count(Path folder, String text) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(RouteCheck.EXAMPLE_FILES))
                    .flatMap(f -> read(f).lines()).filter(l -> l.startsWith(text)).count();
        }
    }

    /** {@code file:line} of the example of that name. */
    private static String at(Path folder, String file, String example) {
        return lineOf(folder.resolve(file), "- name: " + example, 0) + ": " + example;
    }

    /** {@code file:line} of the line holding {@code text}, moved by {@code offset} lines. */
    private static String lineOf(Path file, String text, int offset) {
        return file + ":" + (lineNumber(file, text) + offset);
    }

    private static int lineNumber(Path file, String text) {
        List<String> lines = read(file).lines().toList();
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                found.add(i + 1);
            }
        }
        assertThat(found).as(text + " in " + file).hasSize(1);
        return found.get(0);
    }

    private static void replace(Path file, String from, String to) {
        String text = read(file);
        assertThat(text).contains(from);
        write(file, text.replace(from, to));
    }

    private static void append(Path file, String text) {
        write(file, read(file) + text);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
