package io.wxgate.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * SPEC §3 and issue 13: a route file that does not load stops the start-up — a deploy pipeline must see it — with
 * the file, the line and the reason, as a failed reload logs them, not Camel's stack trace of the route's model.
 */
class RouteStartupFailureTest {

    @Test
    void aBadRouteFileStopsTheStartWithItsFileLineAndReason() throws Exception {
        Path dir = Path.of("target", "bad-routes-" + UUID.randomUUID());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("good.camel.yaml"), """
                - route:
                    id: good
                    from:
                      uri: direct:wechat-message
                      steps:
                        - to: direct:typo
                """);
        Files.writeString(dir.resolve("typo.camel.yaml"), """
                # a component the gateway does not have
                - route:
                    id: typo
                    from:
                      uri: direct:typo
                      steps:
                        - log: about to call
                        - to: kafak:orders
                """);

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.wxgate.WxGateApplication",
                "--gateway.http-port=0", "--server.port=0", "--gateway.data-dir=" + dir.resolve("data"),
                "--camel.main.routes-include-pattern=file:" + dir + "/*.camel.yaml",
                "--camel.main.routes-reload-directory=" + dir);
        Process gateway = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = gateway.getInputStream().readAllBytes();
        assertThat(gateway.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String log = new String(output, StandardCharsets.UTF_8);

        assertThat(gateway.exitValue()).as(log).isNotZero();
        assertThat(log).contains("A route file did not load:")
                .contains(dir + "/typo.camel.yaml:8: No endpoint could be found for: kafak://orders");
    }
}
