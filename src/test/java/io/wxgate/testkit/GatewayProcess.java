package io.wxgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway as a separate JVM, as it runs in production, so a test can kill it with SIGKILL mid-work and
 * start it again on the same data directory.
 */
public final class GatewayProcess {

    private final Process process;
    private final int port;

    private GatewayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static GatewayProcess start(int port, Map<String, String> settings, Path log) {
        return start(port, settings, Map.of(), log);
    }

    /**
     * With environment variables of its own besides the test JVM's. The management port is a free one unless the
     * settings name {@code server.port}.
     */
    public static GatewayProcess start(int port, Map<String, String> settings, Map<String, String> environment,
            Path log) {
        List<String> command = javaCommand();
        command.add("--gateway.http-port=" + port);
        if (!settings.containsKey("server.port")) {
            command.add("--server.port=0");
        }
        settings.forEach((k, v) -> command.add("--" + k + "=" + v));
        return started(command, port, environment, log);
    }

    /**
     * Configured by environment variables alone, as an operator starts it: no setting on the command line, every
     * port the gateway's own choice. {@code environment} must hold {@code HTTP_PORT=port}.
     */
    public static GatewayProcess startAsConfigured(int port, Map<String, String> environment, Path log) {
        if (!Integer.toString(port).equals(environment.get("HTTP_PORT"))) {
            throw new IllegalArgumentException("HTTP_PORT must be " + port);
        }
        return started(javaCommand(), port, environment, log);
    }

    /** {@code java … io.wxgate.WxGateApplication}, to which a caller adds arguments. */
    public static List<String> javaCommand() {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.wxgate.WxGateApplication"));
    }

    private static GatewayProcess started(List<String> command, int port, Map<String, String> environment, Path log) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            Process p = builder.start();
            GatewayProcess gateway = new GatewayProcess(p, port);
            gateway.awaitListening(Duration.ofSeconds(180));
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The settings of a gateway process for the test account (its AppSecret, callback Token and EncodingAESKey) that
     * calls {@code weChat} (the simulator), with its data in {@code dataDir}, API key {@code apiKey}, {@code consumers}
     * send consumers and route reload off.
     */
    public static Map<String, String> sendingSettings(Path dataDir, String apiKey, java.net.URI weChat, int consumers) {
        Map<String, String> settings = new java.util.HashMap<>();
        settings.put("gateway.data-dir", dataDir.toString());
        settings.put("gateway.http-host", "127.0.0.1");
        settings.put("gateway.api-key", apiKey);
        settings.put("wechat.app-id", GatewayTest.APP_ID);
        settings.put("wechat.app-secret", GatewayTest.APP_SECRET);
        settings.put("wechat.token", GatewayTest.TOKEN);
        settings.put("wechat.encoding-aes-key", GatewayTest.AES_KEY);
        settings.put("wechat.api-base-url", weChat.toString());
        settings.put("wechat.queue.consumers", Integer.toString(consumers));
        settings.put("camel.main.routes-reload-enabled", "false");
        return settings;
    }

    /** A port nothing listens on at the moment: for a gateway to take, or to stand for a server that is down. */
    public static int freePort() {
        return FreePorts.take();
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye — what a crash or an OOM kill looks like. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, as an orchestrator stops it; returns at once (see {@link #awaitExit}). */
    public void terminate() {
        process.destroy();
    }

    /** Whether the process ended within {@code limit}. */
    public boolean awaitExit(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public void stop() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitListening(Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway process exited with " + process.exitValue());
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                CallbackDriver.sleep(Duration.ofMillis(200));
            }
        }
        kill();
        throw new IllegalStateException("gateway did not listen on " + port + " within " + limit);
    }
}
