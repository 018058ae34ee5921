package wxbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.wxgate.simulator.WeChatApiSimulator;

/**
 * What a callback leaves behind in the gateway for the dedupe window (issue 14), and the gateway's threads.
 * Starts a gateway as the benchmark does (a separate JVM, the shipped settings plus the bench's credentials), sends
 * N distinct signed callbacks of each kind at a modest closed-loop rate, and takes a class histogram of the live
 * objects (jcmd GC.class_histogram, after a full collection) before and after each kind: the growth divided by N is
 * what one message keeps in the heap until its window ends. Byte counts, not timings: a busy machine changes the
 * rate, not the figures. Then a short spell at the benchmark's 32 connections counts the threads by pool.
 *
 * <p>By default the shipped forward (a durable queue nobody consumes here) is replaced by a log endpoint that logs
 * nothing, so that only the gateway's own per-message state is counted: the queue holds at most its in-memory
 * bound (32 MB per queue, then pages to disk) whatever the number of messages. {@code --shipped-forward} keeps it.
 *
 * <pre>java -cp bench/target/classes:target/classes:target/test-classes:$(cat bench/target/cp-test.txt) \
 *     wxbench.Footprint [--messages=100000] [--connections=4] [--kinds=plain,plain-help,safe,safe-help]
 *     [--census-seconds=15] [--shipped-forward] [--gateway-jvm="-Xmx1g"] [--gateway-arg=--key=value]</pre>
 */
public final class Footprint {

    public static void main(String[] args) throws Exception {
        int messages = 100_000;
        int connections = 4;
        int warm = 3_000;
        double censusSeconds = 15;
        boolean shippedForward = false;
        List<String> kinds = List.of("plain", "plain-help", "safe", "safe-help");
        List<String> jvm = new ArrayList<>();
        List<String> gatewayArgs = new ArrayList<>();
        Path root = Path.of(".").toAbsolutePath().normalize();
        String classpath = null;
        for (String a : args) {
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
            switch (name) {
                case "--messages" -> messages = Integer.parseInt(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--warm" -> warm = Integer.parseInt(v);
                case "--census-seconds" -> censusSeconds = Double.parseDouble(v);
                case "--shipped-forward" -> shippedForward = true;
                case "--kinds" -> kinds = List.of(v.split(","));
                case "--gateway-jvm" -> jvm.addAll(List.of(v.trim().split("\\s+")));
                case "--gateway-arg" -> gatewayArgs.add(v);
                case "--root" -> root = Path.of(v);
                case "--gateway-classpath" -> classpath = v;
                default -> throw new IllegalArgumentException("unknown option " + a + " (see bench/README.md)");
            }
        }
        if (classpath == null) {
            classpath = root.resolve("target/classes") + ":"
                    + Files.readString(root.resolve("bench/target/cp-runtime.txt")).trim();
        }
        jvm.removeIf(String::isEmpty);

        WeChatApiSimulator sim = WeChatApiSimulator.start(Bench.APP_ID, Bench.APP_SECRET);
        Map<String, String> settings = Bench.gatewaySettings(sim);
        if (!shippedForward) {
            settings.put("wechat.inbound.forward-uri", "log:wxbench.forward?level=OFF");
        }
        Callbacks callbacks = new Callbacks(Bench.HOST, 0, "/wechat/callback", Bench.TOKEN, Bench.APP_ID, Bench.AES_KEY);
        Path log = Files.createTempFile("wxbench-footprint-", ".log");
        Gateway gw = Gateway.start(root, Gateway.Launch.classpath(classpath), jvm, settings, gatewayArgs, log,
                callbacks, 180);
        try {
            long pid = gw.pid();
            Callbacks cb = callbacks.at(gw.port);
            for (int attempt = 1; ; attempt++) {
                try {
                    cb.calibrate();
                    break;
                } catch (IllegalStateException coldAndLate) {
                    // A fresh gateway on a busy machine may answer its very first message after the deadline.
                    if (attempt == 3) {
                        throw coldAndLate;
                    }
                }
            }
            Map<String, Load.Scenario> all = new LinkedHashMap<>();
            all.put("plain", cb.plain(false));
            all.put("plain-help", cb.plain(true));
            all.put("safe", cb.safe(false, 1));
            all.put("safe-help", cb.safe(true, 1));
            Bench.log(String.format(Locale.ROOT, "gateway pid %d (%s), log %s; forward: %s", pid,
                    jvm.isEmpty() ? "JVM defaults" : String.join(" ", jvm), log,
                    shippedForward ? "the shipped durable queue" : "none (a log endpoint at level OFF)"));
            for (String kind : kinds) {
                send(all.get(kind), gw.port, warm, connections);
            }
            Jcmd.Histogram before = Jcmd.Histogram.take(pid);
            Bench.log(String.format(Locale.ROOT, "live heap after warm-up: %.1f MB", before.totalBytes() / 1e6));
            long totalGrowth = 0;
            for (String kind : kinds) {
                double rate = send(all.get(kind), gw.port, messages, connections);
                Jcmd.Histogram after = Jcmd.Histogram.take(pid);
                long grown = after.totalBytes() - before.totalBytes();
                totalGrowth += grown;
                System.out.printf(Locale.ROOT, "%n%s: %,d messages at %.0f/s; live heap %+.1f MB = %.0f bytes per "
                        + "message%n", all.get(kind).name(), messages, rate, grown / 1e6, grown / (double) messages);
                System.out.println("| class | instances per message | bytes per message |");
                System.out.println("|---|---:|---:|");
                for (Map.Entry<String, Jcmd.Count> e : after.growthSince(before).subList(0, 12)) {
                    System.out.printf(Locale.ROOT, "| `%s` | %.2f | %.1f |%n", e.getKey(),
                            e.getValue().instances() / (double) messages, e.getValue().bytes() / (double) messages);
                }
                before = after;
            }
            System.out.printf(Locale.ROOT, "%nall kinds: %.0f bytes per message on average; live heap %.1f MB, RSS %d MB"
                    + "%n", totalGrowth / (double) (messages * kinds.size()), before.totalBytes() / 1e6,
                    Proc.status(pid, "VmRSS") / 1024);
            census(all.get(kinds.get(0)), gw.port, pid, censusSeconds);
        } finally {
            gw.stop();
            sim.close();
        }
    }

    /**
     * Threads by pool while the benchmark's 32 connections send: Jetty's pool grows with concurrent requests, so an
     * idle gateway shows fewer than a busy one.
     */
    private static void census(Load.Scenario scenario, int port, long pid, double seconds) throws Exception {
        if (seconds <= 0) {
            return;
        }
        AtomicReference<Map<String, Integer>> seen = new AtomicReference<>();
        AtomicLong osThreads = new AtomicLong();
        AtomicLong rssKb = new AtomicLong();
        AtomicReference<Map<String, Long>> nativeMemory = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            Load.sleep(seconds * 0.8);
            seen.set(Jcmd.threadsByName(pid));
            osThreads.set(Proc.status(pid, "Threads"));
            rssKb.set(Proc.status(pid, "VmRSS"));
            nativeMemory.set(Jcmd.nativeMemory(pid));
        });
        reader.start();
        Load.run(scenario, Bench.HOST, port, 32, seconds, 0, pid);
        reader.join();
        int java = seen.get().values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf(Locale.ROOT, "%nthreads under load (32 connections, '%s'): %d in the process, %d Java "
                + "threads by name:%n", scenario.name(), osThreads.get(), java);
        System.out.println("| threads | name |");
        System.out.println("|---:|---|");
        seen.get().entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "| %d | `%s` |%n", e.getValue(), e.getKey()));
        System.out.printf(Locale.ROOT, "%nRSS under load: %d MB%n", rssKb.get() / 1024);
        if (!nativeMemory.get().isEmpty()) {
            // -XX:NativeMemoryTracking=summary in --gateway-jvm: where the committed memory is.
            System.out.println("| committed (NMT) | MB |");
            System.out.println("|---|---:|");
            nativeMemory.get().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> e.getValue() >= 1024)
                    .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.0f |%n", e.getKey(), e.getValue() / 1024.0));
        }
    }

    /** Sends n callbacks of one kind over a few connections, every answer checked; returns the rate. */
    static double send(Load.Scenario scenario, int port, int n, int connections) throws InterruptedException {
        AtomicLong left = new AtomicLong(n);
        AtomicLong wrong = new AtomicLong();
        String[] problem = new String[1];
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            Load.Client client = scenario.client(c, connections);
            Thread t = new Thread(() -> {
                RawHttp http = new RawHttp(Bench.HOST, port, 15_000);
                try {
                    while (left.getAndDecrement() > 0) {
                        http.exchange(client.next());
                        if (http.status != 200 || client.check(http) != scenario.expected()) {
                            wrong.incrementAndGet();
                            problem[0] = "HTTP " + http.status + ": " + Load.abbreviate(http.bodyText());
                        }
                    }
                } catch (IOException e) {
                    wrong.incrementAndGet();
                    problem[0] = e.toString();
                } finally {
                    http.close();
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (wrong.get() > 0) {
            throw new IllegalStateException(wrong.get() + " wrong answers in '" + scenario.name() + "': " + problem[0]);
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
