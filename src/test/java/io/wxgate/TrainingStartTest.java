package io.wxgate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wxgate.testkit.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README "Going to production", Launch: the class-data-sharing archive is trained by a start that goes all the way
 * (beans, Camel's routes, both ports) and then ends by itself, so the archive holds every class a start loads.
 */
class TrainingStartTest {

    @Test
    void exitOnceStartedEndsWithStatusZeroAfterTheWholeStart(@TempDir Path data) throws Exception {
        int port = GatewayProcess.freePort();
        List<String> command = GatewayProcess.javaCommand();
        command.addAll(List.of("--gateway.exit-once-started=true", "--gateway.http-port=" + port,
                "--server.port=0", "--gateway.data-dir=" + data));
        Path log = data.resolve("training.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, UTF_8);

        assertThat(ended).as("the training start ended by itself").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        // The whole start happened: Camel's routes ran and the callback port was open, then the context closed.
        assertThat(output).contains("(wxgate) started in").contains("Started WxGateApplication")
                .contains("Started oejs.ServerConnector").contains(":" + port + "}")
                .contains("Started; ending now (gateway.exit-once-started=true)").contains("(wxgate) shutdown");
        assertThat(output).doesNotContain("Still stopping");
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
