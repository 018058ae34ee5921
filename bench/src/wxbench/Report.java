package wxbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results as markdown: targets first, then every figure. */
final class Report {

    static final double TARGET_RPS = 15_000;
    static final double TARGET_P99_MS = 15;
    static final double TARGET_SENDS = 1_000;
    static final double TARGET_STARTUP_S = 3;

    final Bench.Options o;
    final ZonedDateTime at;
    final List<Gateway> startups;
    final long rssIdleKb;
    final List<Load.Result> callbacks = new ArrayList<>();
    final List<Load.Result> storms = new ArrayList<>();
    /** The bare Jetty handler measured in the same run (issue 16's yardstick), when callbacks were measured. */
    Load.Result limit;
    Outbound.Result outbound;
    /** The warm-up before it: how the send path ran while the JIT was still compiling it. */
    Outbound.Result outboundWarmup;
    final Map<String, Profiler.Report> profiles = new LinkedHashMap<>();
    final Map<String, String> profileThreads = new LinkedHashMap<>();
    long rssEnd = -1;
    long rssPeak = -1;
    long threads = -1;
    long dataBytes = -1;
    long logBytes = -1;
    long logLines = -1;

    Report(Bench.Options o, ZonedDateTime at, List<Gateway> startups, long rssIdleKb) {
        this.o = o;
        this.at = at;
        this.startups = startups;
        this.rssIdleKb = rssIdleKb;
    }

    String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("# wxgate benchmark, ").append(at.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(o.quick ? " (quick smoke run: figures are not comparable)" : "").append("\n\n");
        s.append(f("- command: `%s`; gateway commit %s%n", o.command,
                o.commit.isEmpty() ? "unknown" : "`" + o.commit + "`"));
        s.append(f("- machine: %s%n", machine()));
        s.append(f("- gateway JVM: OpenJDK %s, options: %s; settings: shipped application.yaml plus the bench's "
                + "credentials, template rate limit 100000/s, route reload off%s%n",
                System.getProperty("java.version"), o.gatewayJvm.isEmpty() ? "none (JVM defaults)"
                        : "`" + String.join(" ", o.gatewayJvm) + "`",
                o.gatewayArgs.isEmpty() ? "" : ", and `" + String.join(" ", o.gatewayArgs) + "`"));
        s.append(o.accounts == 0 ? "- official accounts: the default account only; callbacks to /wechat/callback\n"
                : f("- official accounts: the default account and %d from an accounts file; callbacks to the last "
                        + "one's /wechat/callback/%s (its own Token and EncodingAESKey)%n", o.accounts,
                        Bench.accountAppId(o.accounts)));
        if (callbacks.isEmpty() && storms.isEmpty()) {
            s.append(f("- load: generator in one JVM on the same cores (also hosting the WeChat API simulator), %d "
                    + "connections, closed loop, HTTP/1.1 keep-alive, plain blocking sockets%n%n", o.connections));
        } else {
            s.append(f("- load: generator in one JVM on the same cores (also hosting the WeChat API simulator), %d "
                    + "connections, closed loop, HTTP/1.1 keep-alive, plain blocking sockets; %.0f s JIT warm-up "
                    + "cycling through the callback scenarios, then per scenario %.1f s unrecorded lead-in and %.0f s "
                    + "measured%n%n", o.connections, o.warmup, o.scenarioWarmup, o.duration));
        }

        double interference = java.util.stream.Stream.concat(callbacks.stream(), storms.stream())
                .mapToDouble(Load.Result::otherCpuPct).max().orElse(0);
        if (interference >= 5) {
            s.append(f("> **Disturbed run:** other programs used up to %.0f %% of the machine during a measured window "
                    + "(column \"other CPU\"); the figures of those rows are low by about that much.%n%n",
                    interference));
        }
        s.append("## Targets\n\n| target | measured | met |\n|---|---|:-:|\n");
        for (Load.Result r : callbacks) {
            s.append(f("| %s: ≥ 15,000 req/s with p99 ≤ 15 ms at %d connections | %,.0f req/s, p99 %.1f ms, %d "
                    + "errors | %s |%n", r.name(), r.connections(), r.rps(), r.p99(), r.errors(),
                    mark(r.rps() >= TARGET_RPS && r.p99() <= TARGET_P99_MS && r.errors() == 0)));
        }
        for (Load.Result r : storms) {
            s.append(f("| %s: 100 %% of answers carry the real reply | %s of %,d | %s |%n", r.name(),
                    pct(r.replies(), answers(r)), answers(r), mark(r.replies() == answers(r) && answers(r) > 0)));
        }
        if (outbound != null) {
            s.append(f("| durable template sends ≥ 1,000/s (simulator answers in 50 ms) | %,.0f/s delivered end to end "
                    + "(%,.0f/s accepted) | %s |%n", outbound.deliveredPerSec(), outbound.acceptedPerSec(),
                    mark(outbound.deliveredPerSec() >= TARGET_SENDS && outbound.complete())));
        }
        Gateway main = startups.get(startups.size() - 1);
        // Judged on the launch the gateway under test used (README's production launch when a jar was built).
        List<Gateway> judged = startups.stream().filter(g -> g.launch.equals(main.launch)).toList();
        double worst = judged.stream().mapToDouble(g -> g.readySeconds).max().orElse(Double.NaN);
        double otherWorst = startups.stream().filter(g -> !g.launch.equals(main.launch))
                .mapToDouble(g -> g.readySeconds).max().orElse(Double.NaN);
        s.append(f("| start-up ≤ 3 s | %.2f s to the first signed answer (%s, worst of %d); Spring \"Started in\" "
                + "%.2f s%s | %s |%n%n", worst, main.launch, judged.size(), main.springStartedSeconds,
                Double.isNaN(otherWorst) ? "" : f("; %.2f s on the plain classpath", otherWorst),
                mark(worst <= TARGET_STARTUP_S)));

        if (limit != null) {
            s.append("## Yardstick: a bare Jetty handler, same driver, same run\n\n");
            s.append(f("A Jetty handler that reads each body and answers `success` (`wxbench.BareJetty`, no parsing, no "
                    + "crypto), measured as '%s' right after the gateway: **%,.0f req/s**, p99 %.2f ms, %d errors, %.0f µs "
                    + "of server CPU per request, other CPU %.0f %%. Absolute figures differ several-fold between "
                    + "machines of this kind; the shares below travel.%n%n", limit.name(), limit.rps(), limit.p99(),
                    limit.errors(), limit.serverCpuUs(), limit.otherCpuPct()));
            s.append("| gateway scenario | req/s | × the bare Jetty | server CPU µs/req | × the bare Jetty's CPU |\n");
            s.append("|---|---:|---:|---:|---:|\n");
            for (Load.Result r : callbacks) {
                s.append(f("| %s | %,.0f | %.3f | %.0f | %.1f |%n", r.name(), r.rps(), r.rps() / limit.rps(),
                        r.serverCpuUs(), r.serverCpuUs() / limit.serverCpuUs()));
            }
            s.append('\n');
        }
        if (!callbacks.isEmpty()) {
            s.append(f("## Callbacks (%d connections)%n%n", o.connections));
            s.append("| scenario | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU µs/req "
                    + "| generator CPU µs/req | machine busy | other CPU | gateway RSS |\n");
            s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Load.Result r : callbacks) {
                s.append(f("| %s | %,.0f | %.2f | %.2f | %.2f | %.1f | %d | %.0f | %.0f | %.0f %% | %.0f %% | %s |%n",
                        r.name(), r.rps(), r.p50(), r.p90(), r.p99(), r.max(), r.errors(), r.serverCpuUs(),
                        r.driverCpuUs(), r.machineBusyPct(), r.otherCpuPct(), mb(r.rssKb())));
            }
            s.append("\nThe gateway's CPU by thread (from /proc/<pid>/task, names cut to 15 characters by Linux):\n\n");
            for (Load.Result r : callbacks) {
                s.append(f("- %s: %s%n", r.name(), r.threadCpu()));
            }
            s.append('\n');
            problems(s, callbacks);
        }
        if (!storms.isEmpty()) {
            s.append("## Retry storm (every delivery 4 times, its copies on 4 connections at once)\n\n");
            s.append("| scenario | answers/s | answers | carry the real reply | `success` instead | other / errors "
                    + "| share with the reply | p50 ms | p99 ms | server CPU µs/answer | other CPU |\n");
            s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Load.Result r : storms) {
                s.append(f("| %s | %,.0f | %,d | %,d | %,d | %,d | %s | %.2f | %.2f | %.0f | %.0f %% |%n", r.name(),
                        r.rps(), answers(r), r.replies(), r.successes(), r.others() + r.non200() + r.ioErrors(),
                        pct(r.replies(), answers(r)), r.p50(), r.p99(), r.serverCpuUs(), r.otherCpuPct()));
            }
            s.append("\nThe gateway's CPU by thread:\n\n");
            for (Load.Result r : storms) {
                s.append(f("- %s: %s%n", r.name(), r.threadCpu()));
            }
            s.append('\n');
            problems(s, storms);
        }
        if (outbound != null) {
            Outbound.Result r = outbound;
            s.append("## Outbound template sends (durable queue, simulator holds each send 50 ms)\n\n");
            s.append("| sends | connections | accepted (202) | accepted/s | POST p50 ms | POST p99 ms | delivered "
                    + "| delivered/s, first POST → last delivery | best 1 s | duplicates | server CPU µs/send |\n");
            s.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            s.append(f("| %,d | %d | %,d | %,.0f | %.1f | %.1f | %,d%s | %,.0f | %,.0f | %d | %.0f |%n%n", r.sends(),
                    r.connections(), r.accepted(), r.acceptedPerSec(), r.p50(), r.p99(), r.delivered(),
                    r.complete() ? "" : " (incomplete)", r.deliveredPerSec(), r.peakDeliveredPerSec(), r.duplicates(),
                    r.serverCpuUsPerSend()));
            if (r.firstProblem() != null || r.rejected() + r.ioErrors() > 0) {
                s.append(f("Rejected: %d, I/O errors: %d; first problem: %s%n%n", r.rejected(), r.ioErrors(),
                        r.firstProblem()));
            }
            if (outboundWarmup != null) {
                Outbound.Result w = outboundWarmup;
                s.append(f("Before it, the warm-up: %,d sends accepted in %.0f s, %,.0f/s delivered at %.0f µs of server "
                        + "CPU a send, while the JIT was still compiling the send path.%n%n", w.accepted(),
                        w.acceptSeconds(), w.deliveredPerSec(), w.serverCpuUsPerSend()));
            }
        }
        s.append("## Start-up (process start → …)\n\n| # | launch | port open | first signed answer "
                + "| Spring \"Started … in\" | Spring \"process running for\" |\n|---:|---|---:|---:|---:|---:|\n");
        for (int i = 0; i < startups.size(); i++) {
            Gateway g = startups.get(i);
            s.append(f("| %d%s | %s | %.2f s | %.2f s | %.2f s | %.2f s |%n", i + 1,
                    i == startups.size() - 1 ? " (under test)" : "", g.launch, g.portOpenSeconds, g.readySeconds,
                    g.springStartedSeconds, g.springProcessSeconds));
        }
        s.append(f("%n## Memory, disk, log%n%nGateway RSS after start-up %s, at the end %s (peak %s); %d threads at the "
                + "end; data directory %s at the end; the gateway wrote %,d log lines (%.0f MB) in the whole run.%n%n",
                mb(rssIdleKb), mb(rssEnd), mb(rssPeak), threads,
                dataBytes < 0 ? "?" : String.format(Locale.ROOT, "%.0f MB", dataBytes / 1e6), logLines, logBytes / 1e6));
        s.append("""
                How to read: req/s counts answers received in the measured window; latencies are per request, from \
                writing the request to reading the whole answer, measured by the generator (so they include its own \
                scheduling on the shared cores). Server CPU µs/req is the gateway process's utime+stime over the window \
                divided by the requests in it; "other CPU" is the share of the machine used by neither the gateway nor the \
                driver (anything above a few % means another program disturbed the run); at 2 cores, 2,000,000 µs/s / (server + generator µs/req) bounds req/s. \
                Errors are non-200 answers, I/O failures and 200 answers that are not the expected one (`success`, or \
                the keyword reply, checked for the right user; safe-mode answers are opened — signature, timestamp, \
                nonce, decryption — for every 8th request of the throughput scenarios and for every storm answer).

                """);
        for (Map.Entry<String, Profiler.Report> p : profiles.entrySet()) {
            s.append(Profiler.markdown(p.getKey(), p.getValue(), profileThreads.get(p.getKey())));
        }
        return s.toString();
    }

    private static void problems(StringBuilder s, List<Load.Result> results) {
        for (Load.Result r : results) {
            if (r.firstProblem() != null) {
                s.append(f("First problem seen in '%s': %s%n%n", r.name(), r.firstProblem()));
            }
        }
    }

    private static long answers(Load.Result r) {
        return r.count() + r.ioErrors();
    }

    private static String pct(long n, long total) {
        if (total == 0) {
            return "n/a";
        }
        return n == total ? "100 %" : String.format(Locale.ROOT, "%.3f %%", 100.0 * n / total);
    }

    private static String mark(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String mb(long kb) {
        return kb < 0 ? "?" : String.format(Locale.ROOT, "%,d MB", kb / 1024);
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static String machine() {
        String model = "?";
        long memKb = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // leave unknown
        }
        return f("%d CPUs (%s), %.1f GiB RAM, %s %s", Runtime.getRuntime().availableProcessors(), model,
                memKb / 1024.0 / 1024.0, System.getProperty("os.name"), System.getProperty("os.version"));
    }
}
