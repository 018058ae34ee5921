package io.wxgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.wxgate.testkit.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §1: MANAGEMENT_PORT, when unset, is derived from HTTP_PORT, so instances that differ only in HTTP_PORT start
 * side by side on one host (issue 14: a fixed 8081 let the second die with "Port 8081 was already in use").
 */
class ManagementPortTest {

    @Test
    void theManagementPortIsTheCallbackPortPlusTenThousand() {
        assertThat(ManagementPort.derivedFrom(8080)).isEqualTo(18080);
        assertThat(ManagementPort.derivedFrom(8081)).isEqualTo(18081);
        assertThat(ManagementPort.derivedFrom(55535)).isEqualTo(65535);
    }

    @Test
    void aboveTheLastPortItCanAddToItSubtractsInstead() {
        assertThat(ManagementPort.derivedFrom(55536)).isEqualTo(45536);
        assertThat(ManagementPort.derivedFrom(65535)).isEqualTo(55535);
    }

    @Test
    void anyFreeCallbackPortGetsAnyFreeManagementPort() {
        assertThat(ManagementPort.derivedFrom(0)).isZero();
    }

    /** A free port whose management port (+10000) is free too. */
    private static int freePortWithFreeManagementPort() {
        for (int i = 0; i < 50; i++) {
            int port = GatewayProcess.freePort();
            if (port <= 55535 && isFree(port + ManagementPort.OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("no free pair of ports");
    }

    private static boolean isFree(int port) {
        try (var socket = new java.net.ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static HttpResponse<String> health(int managementPort) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/health")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void twoClusterInstancesDifferingOnlyInHttpPortStartSideBySide(@TempDir Path data) throws Exception {
        int first = freePortWithFreeManagementPort();
        int second = freePortWithFreeManagementPort();
        Map<String, String> shared = Map.of("SPRING_PROFILES_ACTIVE", "cluster", "GATEWAY_DATA_DIR", data.toString());
        Path log = Files.createDirectories(Path.of("target/management-port")).resolve("instances.log");
        GatewayProcess a = null;
        GatewayProcess b = null;
        try {
            a = GatewayProcess.startAsConfigured(first, with(shared, "HTTP_PORT", first), log);
            b = GatewayProcess.startAsConfigured(second, with(shared, "HTTP_PORT", second), log);

            assertThat(health(first + ManagementPort.OFFSET).statusCode()).isEqualTo(200);
            assertThat(health(second + ManagementPort.OFFSET).statusCode()).isEqualTo(200);
        } finally {
            if (a != null) {
                a.stop();
            }
            if (b != null) {
                b.stop();
            }
        }
    }

    @Test
    void aManagementPortEqualToTheCallbackPortStopsStartUpNamingBothKeys() throws Exception {
        int port = GatewayProcess.freePort();
        List<String> command = GatewayProcess.javaCommand();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HTTP_PORT", Integer.toString(port));
        builder.environment().put("MANAGEMENT_PORT", Integer.toString(port));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(output).contains("MANAGEMENT_PORT").contains("HTTP_PORT").contains("must differ");
    }

    private static Map<String, String> with(Map<String, String> base, String key, int value) {
        var all = new java.util.HashMap<>(base);
        all.put(key, Integer.toString(value));
        return all;
    }
}
