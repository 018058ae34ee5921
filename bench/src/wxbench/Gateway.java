package wxbench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The gateway as a separate JVM, started the way production starts it, with its start-up timed. */
final class Gateway {

    private static final Pattern STARTED = Pattern.compile(
            "Started \\S+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");

    final Process process;
    final int port;
    final Path dataDir;
    final Path log;
    /** Process start to the port accepting connections / to a signed echo check answered 200, seconds. */
    double portOpenSeconds = Double.NaN;
    double readySeconds = Double.NaN;
    /** Spring's own "Started … in X seconds (process running for Y)". */
    double springStartedSeconds = Double.NaN;
    double springProcessSeconds = Double.NaN;
    String launch = "classpath";

    private Gateway(Process process, int port, Path dataDir, Path log) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    long pid() {
        return process.pid();
    }

    /** How the gateway JVM is launched: its production classpath, or the packaged jar with a CDS archive. */
    record Launch(String name, List<String> args) {

        static Launch classpath(String classpath) {
            return new Launch("classpath", List.of("-cp", classpath, "io.wxgate.WxGateApplication"));
        }

        static Launch cds(Path jar, Path archive) {
            return new Launch("jar + CDS", List.of("-XX:SharedArchiveFile=" + archive, "-jar", jar.toString()));
        }
    }

    /**
     * README's production start-up recipe, step 2: one start that stops once it has started (routes running, ports
     * open) and writes the classes it loaded to a CDS archive, which later starts map instead of loading and verifying.
     */
    static void trainCds(Path root, Path jar, Path archive, Map<String, String> settings, Path log) {
        Path data = null;
        try {
            data = Files.createTempDirectory("wxbench-cds-");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-XX:ArchiveClassesAtExit=" + archive, "-jar", jar.toString(),
                    "--gateway.exit-once-started=true", "--gateway.http-port=" + freePort(),
                    "--gateway.data-dir=" + data));
            settings.forEach((k, v) -> command.add("--" + k + "=" + v));
            Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            if (!p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the CDS training start did not end; log " + log);
            }
            if (!Files.exists(archive)) {
                throw new IllegalStateException("the CDS training start wrote no archive; log " + log + ":\n"
                        + tail(log, 20));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (data != null) {
                deleteTree(data);
            }
        }
    }

    static Gateway start(Path root, Launch launch, List<String> jvmOptions, Map<String, String> settings,
            List<String> extraArgs, Path log, Callbacks echo, double limitSeconds) {
        int port = freePort();
        Path data;
        try {
            data = Files.createTempDirectory("wxbench-data-");
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(launch.args());
        command.add("--gateway.http-port=" + port);
        command.add("--gateway.data-dir=" + data);
        settings.forEach((k, v) -> command.add("--" + k + "=" + v));
        command.addAll(extraArgs);
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gateway", e);
        }
        Gateway g = new Gateway(p, port, data, log);
        g.launch = launch.name();
        // A driver stopped with Ctrl-C or SIGTERM takes its gateway and the gateway's data directory along.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (p.isAlive()) {
                p.destroyForcibly();
                try {
                    p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // exiting anyway
                }
            }
            deleteTree(data);
        }));
        echo = echo.at(port);
        long deadline = t0 + (long) (limitSeconds * 1e9);
        byte[] check = null;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + p.exitValue() + " during start-up; log "
                        + log + ":\n" + tail(log, 40));
            }
            if (Double.isNaN(g.portOpenSeconds)) {
                if (!listening("127.0.0.1", port)) {
                    Load.sleep(0.01);
                    continue;
                }
                g.portOpenSeconds = (System.nanoTime() - t0) / 1e9;
            }
            RawHttp http = new RawHttp("127.0.0.1", port, 5_000);
            try {
                check = echo.echoRequest("wxbench-ready");
                http.exchange(check);
                if (http.status == 200 && "wxbench-ready".equals(http.bodyText())) {
                    g.readySeconds = (System.nanoTime() - t0) / 1e9;
                    break;
                }
            } catch (IOException notYet) {
                // not yet
            } finally {
                http.close();
            }
            Load.sleep(0.01);
        }
        if (Double.isNaN(g.readySeconds)) {
            g.stop();
            throw new IllegalStateException("the gateway did not answer a signed echo check within " + limitSeconds
                    + " s; log " + log + ":\n" + tail(log, 40));
        }
        // Spring logs its line right after the context is refreshed; give it a moment.
        for (int i = 0; i < 100 && Double.isNaN(g.springStartedSeconds); i++) {
            Matcher m = STARTED.matcher(read(log));
            if (m.find()) {
                g.springStartedSeconds = Double.parseDouble(m.group(1));
                g.springProcessSeconds = Double.parseDouble(m.group(2));
            } else {
                Load.sleep(0.05);
            }
        }
        return g;
    }

    /** SIGTERM, then SIGKILL if it has not gone within 30 s. The data directory is removed. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(dataDir);
    }

    static String tail(Path log, int lines) {
        String[] all = read(log).split("\n");
        StringBuilder s = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            s.append(all[i]).append('\n');
        }
        return s.toString();
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether something accepts connections on {@code host:port}. */
    static boolean listening(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
