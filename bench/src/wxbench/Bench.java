package wxbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.wxgate.simulator.WeChatApiSimulator;

/**
 * The wxgate benchmark (issue #6): start-up, callbacks in plain and safe mode, WeChat's retry storm, and durable
 * template sends against the WeChat API simulator. Run through bench/run.sh, which builds and sets the classpath.
 */
public final class Bench {

    static final String APP_ID = "wxbench0000000001";
    static final String APP_SECRET = "bench-app-secret-0123456789abcdef";
    static final String TOKEN = "bench-callback-token";
    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String API_KEY = "bench-api-key-5f4e3d2c1b";
    static final String HOST = "127.0.0.1";

    /** Options, all --name=value; see bench/README.md. */
    static final class Options {
        boolean quick;
        boolean profile;
        int connections = 32;
        double warmup = 120;        // global JIT warm-up, cycling through the callback scenarios
        double scenarioWarmup = 5;  // unrecorded lead-in of each scenario
        double duration = 30;       // measured window of each scenario
        int startups = 3;
        int sends = 20_000;         // about 20 s at the target rate: a shorter run measures the ramp, not the rate
        // The send path warms up for a time, not a count: on 2 cores C2 compiled for about a full core during the
        // first 100 s of sends (JFR: 16 s of compilations in a 23 s window after 5,000 or after 60 s of sends), and
        // a shorter warm-up measured the JIT, not the send path (bench/README.md, "Outbound").
        double sendWarmup = 180;
        int warmSends = 1_000_000; // at most, within sendWarmup
        int sendConnections = 32;
        double drainLimit = 180;
        double profileSeconds = 30;
        double waitQuiet = 300;
        double profileLeadIn = 15;
        String profileSettings = "profile";
        Path root = Path.of(".");
        Path results;
        Path work;
        String gatewayClasspath;
        /** The packaged gateway, extracted as README's production start-up recipe does; null: not measured. */
        Path gatewayJar;
        List<String> gatewayJvm = new ArrayList<>();
        List<String> gatewayArgs = new ArrayList<>();
        String only = "";
        String scenarios = "";
        /** Further official accounts in an accounts file; the callbacks then go to the last one's own path. */
        int accounts;
        /** The long run of issue 14 instead of the measurements: see {@link Soak}. */
        boolean soak;
        double soakSeconds = 600;
        String soakScenarios = "plain";
        double soakSlice = 15;
        double soakSample = 10;
        String commit = "";
        String command = "bench/run.sh";

        static Options parse(String[] args) {
            Options o = new Options();
            for (String a : args) {
                if (!a.startsWith("--root=") && !a.startsWith("--gateway-classpath=") && !a.startsWith("--commit=")
                        && !a.startsWith("--gateway-jar=")
                        && !a.startsWith("--gateway-jvm=")) {
                    o.command += " " + a;
                }
            }
            for (String a : args) {
                if (a.equals("--quick")) {
                    o.quick = true;
                    o.warmup = 4;
                    o.scenarioWarmup = 0.5;
                    o.duration = 2;
                    o.startups = 1;
                    o.sends = 300;
                    o.warmSends = 50;
                    o.sendWarmup = 10;
                    o.drainLimit = 30;
                    o.profileSeconds = 5;
                    o.waitQuiet = 10;
                    o.profileLeadIn = 2;
                }
            }
            for (String a : args) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
                switch (name) {
                    case "--quick" -> { }
                    case "--profile" -> o.profile = true;
                    case "--connections" -> o.connections = Integer.parseInt(v);
                    case "--warmup" -> o.warmup = Double.parseDouble(v);
                    case "--scenario-warmup" -> o.scenarioWarmup = Double.parseDouble(v);
                    case "--duration" -> o.duration = Double.parseDouble(v);
                    case "--startups" -> o.startups = Integer.parseInt(v);
                    case "--sends" -> o.sends = Integer.parseInt(v);
                    case "--warm-sends" -> o.warmSends = Integer.parseInt(v);
                    case "--send-warmup" -> o.sendWarmup = Double.parseDouble(v);
                    case "--send-connections" -> o.sendConnections = Integer.parseInt(v);
                    case "--drain-limit" -> o.drainLimit = Double.parseDouble(v);
                    case "--profile-seconds" -> o.profileSeconds = Double.parseDouble(v);
                    case "--wait-quiet" -> o.waitQuiet = Double.parseDouble(v);
                    case "--profile-lead-in" -> o.profileLeadIn = Double.parseDouble(v);
                    case "--profile-settings" -> o.profileSettings = v;
                    case "--only" -> o.only = v;
                    case "--scenarios" -> o.scenarios = v;
                    case "--accounts" -> o.accounts = Integer.parseInt(v);
                    case "--soak" -> o.soak = true;
                    case "--soak-seconds" -> o.soakSeconds = Double.parseDouble(v);
                    case "--soak-scenarios" -> o.soakScenarios = v;
                    case "--soak-slice" -> o.soakSlice = Double.parseDouble(v);
                    case "--soak-sample" -> o.soakSample = Double.parseDouble(v);
                    case "--root" -> o.root = Path.of(v);
                    case "--results" -> o.results = Path.of(v);
                    case "--work" -> o.work = Path.of(v);
                    case "--gateway-classpath" -> o.gatewayClasspath = v;
                    case "--gateway-jar" -> o.gatewayJar = v.isEmpty() ? null : Path.of(v);
                    case "--gateway-jvm" -> o.gatewayJvm.addAll(Arrays.stream(v.trim().split("\\s+"))
                            .filter(s -> !s.isEmpty()).toList());
                    case "--gateway-arg" -> o.gatewayArgs.add(v);
                    case "--commit" -> o.commit = v;
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see bench/README.md)");
                }
            }
            if (o.soak && !o.quick && Arrays.stream(args).noneMatch(a -> a.startsWith("--warmup="))) {
                // The long run itself shows the JIT settling: a shorter warm-up unless one is given.
                o.warmup = 60;
            }
            if (o.gatewayClasspath == null) {
                throw new IllegalArgumentException("--gateway-classpath is required (run bench/run.sh)");
            }
            if (o.results == null) {
                o.results = o.root.resolve("bench/results");
            }
            if (o.work == null) {
                o.work = o.root.resolve("bench/target");
            }
            return o;
        }

        boolean runs(String group) {
            return only.isEmpty() || Arrays.asList(only.split(",")).contains(group);
        }
    }

    static String accountAppId(int i) {
        return String.format(Locale.ROOT, "wxbenchacct%06d", i);
    }

    static String accountToken(int i) {
        return "bench-token-" + i;
    }

    /** 43 characters of [A-Za-z0-9], different for every account. */
    static String accountAesKey(int i) {
        String digits = String.format(Locale.ROOT, "%010d", i);
        return AES_KEY.substring(0, 43 - digits.length()) + digits;
    }

    /** Accounts 1..n, each with its own secret, Token, EncodingAESKey and API key, as SPEC §7 writes them. */
    static String accountsFile(int n) {
        StringBuilder yaml = new StringBuilder(n * 220);
        for (int i = 1; i <= n; i++) {
            yaml.append("- app-id: ").append(accountAppId(i))
                    .append("\n  app-secret: bench-secret-").append(i)
                    .append("\n  token: ").append(accountToken(i))
                    .append("\n  encoding-aes-key: ").append(accountAesKey(i))
                    .append("\n  api-key: bench-account-key-").append(i).append('\n');
        }
        return yaml.toString();
    }

    /** The gateway's settings in every bench run: the shipped application.yaml plus these (bench/README.md). */
    static Map<String, String> gatewaySettings(WeChatApiSimulator sim) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("gateway.http-host", HOST);
        settings.put("wechat.api-base-url", sim.baseUrl().toString());
        settings.put("wechat.app-id", APP_ID);
        settings.put("wechat.app-secret", APP_SECRET);
        settings.put("wechat.token", TOKEN);
        settings.put("wechat.encoding-aes-key", AES_KEY);
        settings.put("gateway.api-key", API_KEY);
        // The shipped 300 s timestamp window is kept: every request here is signed with a fresh timestamp (a retry
        // storm with the timestamp of its first copy, seconds old). A wider window would force a dedupe window as
        // wide (start-up refuses a shorter one), i.e. six times the entries the shipped 10 min keep in memory.
        settings.put("wechat.send.rate-per-second.template", "100000");
        settings.put("camel.main.routes-reload-enabled", "false");
        // Spring Boot's own server (the management port: health, metrics) on a free port, not 8081.
        settings.put("server.port", "0");
        return settings;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        String stamp = now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")) + (o.quick ? "-quick" : "");
        Path runDir = o.work.resolve("run-" + stamp);
        Files.createDirectories(runDir);
        Files.createDirectories(o.results);

        log("simulator: starting the WeChat API simulator in this JVM (template send held 50 ms)");
        WeChatApiSimulator sim = WeChatApiSimulator.start(APP_ID, APP_SECRET);
        sim.delay(WeChatApiSimulator.TEMPLATE_SEND, Duration.ofMillis(50));

        Map<String, String> settings = gatewaySettings(sim);

        Callbacks callbacks = new Callbacks(HOST, 0, "/wechat/callback", TOKEN, APP_ID, AES_KEY);
        if (o.accounts > 0) {
            Path file = runDir.resolve("accounts.yaml");
            Files.writeString(file, accountsFile(o.accounts));
            settings.put("wechat.accounts.file", file.toAbsolutePath().toString());
            String last = accountAppId(o.accounts);
            callbacks = new Callbacks(HOST, 0, "/wechat/callback/" + last, accountToken(o.accounts), last,
                    accountAesKey(o.accounts));
            log("accounts: " + o.accounts + " further accounts in " + file + "; callbacks go to " + last);
        }
        quietMachine(o.waitQuiet);
        callbacks.selfTest();

        Gateway.Launch classpath = Gateway.Launch.classpath(o.gatewayClasspath);
        Gateway.Launch production = classpath;
        if (o.gatewayJar != null) {
            Path archive = o.gatewayJar.resolveSibling("wxgate.jsa");
            log("CDS: a training start of the packaged gateway writes " + archive);
            Files.deleteIfExists(archive);
            Gateway.trainCds(o.root, o.gatewayJar, archive, settings, runDir.resolve("gateway-cds-training.log"));
            production = Gateway.Launch.cds(o.gatewayJar, archive);
        }
        if (o.soak) {
            try {
                soak(o, settings, callbacks, production, runDir, stamp, now);
            } finally {
                sim.close();
            }
            return;
        }
        // With a CDS archive, the odd start-ups use the plain classpath and the rest (the one under test included)
        // README's production launch, so both are measured.
        List<Gateway> startups = new ArrayList<>();
        for (int i = 1; i < o.startups; i++) {
            Gateway.Launch launch = i % 2 == 1 ? classpath : production;
            log("start-up " + i + "/" + o.startups + " (" + launch.name() + "; started and stopped, fresh data "
                    + "directory)");
            Gateway g = Gateway.start(o.root, launch, o.gatewayJvm, settings, o.gatewayArgs,
                    runDir.resolve("gateway-startup-" + i + ".log"), callbacks, 120);
            startups.add(g);
            g.stop();
        }
        log("start-up " + o.startups + "/" + o.startups + " (" + production.name() + "; the gateway under test)");
        Gateway gw = Gateway.start(o.root, production, o.gatewayJvm, settings, o.gatewayArgs,
                runDir.resolve("gateway.log"), callbacks, 120);
        startups.add(gw);
        long pid = gw.pid();
        log(String.format(Locale.ROOT, "gateway pid %d on port %d: ready in %.2f s (Spring: started in %.2f s)", pid,
                gw.port, gw.readySeconds, gw.springStartedSeconds));
        long rssIdle = Proc.status(pid, "VmRSS");

        Report report = new Report(o, now, startups, rssIdle);
        try {
            Callbacks cb = callbacks.at(gw.port);
            cb.calibrate();
            log("keyword reply learnt: \"" + cb.expectedReply + "\"");

            Map<String, Load.Scenario> all = new LinkedHashMap<>();
            all.put("plain", cb.plain(false));
            all.put("plain-help", cb.plain(true));
            all.put("safe", cb.safe(false, 8));
            all.put("safe-help", cb.safe(true, 8));
            List<Load.Scenario> throughput = all.entrySet().stream()
                    .filter(e -> o.scenarios.isEmpty() || Arrays.asList(o.scenarios.split(",")).contains(e.getKey()))
                    .map(Map.Entry::getValue).toList();
            boolean callbacksOn = o.runs("callbacks") || o.runs("storm");
            if (callbacksOn) {
                // Every scenario once, one connection, every answer checked: fail fast on a wrong set-up.
                for (Load.Scenario s : List.of(cb.plain(false), cb.plain(true), cb.safe(false, 1), cb.safe(true, 1),
                        cb.storm(false), cb.storm(true))) {
                    Load.Result r = Load.run(s, HOST, gw.port, 4, 0.0, 0.3, pid);
                    if (r.count() == 0 || r.errors() > 0) {
                        throw new IllegalStateException("smoke test of '" + s.name() + "' failed: " + r.errors()
                                + " errors of " + r.count() + "; first problem: " + r.firstProblem());
                    }
                }
                log(String.format(Locale.ROOT, "JIT warm-up: %.0f s cycling through the callback scenarios", o.warmup));
                List<Load.Scenario> cycle = List.of(cb.plain(false), cb.plain(true), cb.safe(false, 8), cb.safe(true, 8),
                        cb.storm(false), cb.storm(true));
                double slice = Math.min(10, Math.max(0.5, o.warmup / cycle.size()));
                long warmEnd = System.nanoTime() + (long) (o.warmup * 1e9);
                for (int i = 0; System.nanoTime() < warmEnd; i++) {
                    double left = (warmEnd - System.nanoTime()) / 1e9;
                    Load.run(cycle.get(i % cycle.size()), HOST, gw.port, o.connections, Math.min(slice, left), 0, pid);
                }
            }
            if (o.runs("callbacks")) {
                for (Load.Scenario s : throughput) {
                    report.callbacks.add(measure(s, gw, o));
                }
            }
            if (o.runs("storm")) {
                for (boolean safe : new boolean[] {false, true}) {
                    report.storms.add(measure(cb.storm(safe), gw, o));
                }
            }
            if (o.runs("outbound")) {
                log(String.format(Locale.ROOT, "outbound: template sends for %.0f s (at most %d) to warm up, then %d "
                        + "measured", o.sendWarmup, o.warmSends, o.sends));
                Outbound.Result warm = Outbound.run(sim, HOST, gw.port, API_KEY, o.warmSends, o.sendConnections,
                        o.sendWarmup, o.drainLimit, pid);
                report.outboundWarmup = warm;
                log(String.format(Locale.ROOT, "  warm-up: %d accepted in %.1f s, %d delivered (%.0f/s at %.0f µs a send)",
                        warm.accepted(), warm.acceptSeconds(), warm.delivered(), warm.deliveredPerSec(),
                        warm.serverCpuUsPerSend()));
                Outbound.Result r = Outbound.run(sim, HOST, gw.port, API_KEY, o.sends, o.sendConnections, 120,
                        o.drainLimit, pid);
                report.outbound = r;
                log(String.format(Locale.ROOT, "  %d accepted at %.0f/s (p99 %.1f ms); %d delivered, %.0f/s end to "
                        + "end, best 1 s %.0f/s%s", r.accepted(), r.acceptedPerSec(), r.p99(), r.delivered(),
                        r.deliveredPerSec(), r.peakDeliveredPerSec(), r.complete() ? "" : " (INCOMPLETE)"));
            }
            report.rssEnd = Proc.status(pid, "VmRSS");
            report.rssPeak = Proc.status(pid, "VmHWM");
            report.threads = Proc.status(pid, "Threads");
            report.dataBytes = Proc.dirBytes(gw.dataDir);
            report.logBytes = Files.size(gw.log);
            try (var lines = Files.lines(gw.log, StandardCharsets.ISO_8859_1)) {
                report.logLines = lines.count();
            }
        } finally {
            gw.stop();
        }
        if (o.runs("callbacks") && !report.callbacks.isEmpty()) {
            report.limit = measureLimit(o, callbacks, runDir);
        }
        try {
            if (o.profile || (!o.only.isEmpty() && o.runs("profile"))) {
                profile(o, settings, callbacks, runDir, report);
            }
        } finally {
            sim.close();
        }

        String md = report.markdown();
        Path out = o.results.resolve(stamp + ".md");
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(md);
        log("written to " + out + " (gateway log and JFR files under " + runDir + ")");
    }

    /**
     * The long run (issue 14): one gateway on README's production launch with a 1 GB heap unless GATEWAY_JAVA_OPTS
     * sizes it, its GC logged to a file; the scenarios in turn, every delivery a new message, for --soak-seconds.
     */
    private static void soak(Options o, Map<String, String> settings, Callbacks callbacks, Gateway.Launch launch,
            Path runDir, String stamp, ZonedDateTime now) throws Exception {
        List<String> jvm = new ArrayList<>(o.gatewayJvm);
        if (jvm.stream().noneMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxRAM"))) {
            jvm.add("-Xmx1g");
        }
        Path gcLog = runDir.resolve("gateway-gc.log").toAbsolutePath();
        jvm.add("-Xlog:gc:file=" + gcLog + ":utctime");
        log("soak: starting the gateway (" + launch.name() + ", " + String.join(" ", jvm) + ")");
        Gateway gw = Gateway.start(o.root, launch, jvm, settings, o.gatewayArgs, runDir.resolve("gateway.log"),
                callbacks, 120);
        String md;
        try {
            Callbacks cb = callbacks.at(gw.port);
            cb.calibrate();
            Map<String, Load.Scenario> all = new LinkedHashMap<>();
            all.put("plain", cb.plain(false));
            all.put("plain-help", cb.plain(true));
            all.put("safe", cb.safe(false, 8));
            all.put("safe-help", cb.safe(true, 8));
            List<Load.Scenario> scenarios = Arrays.stream(o.soakScenarios.split(",")).map(name -> {
                Load.Scenario s = all.get(name);
                if (s == null) {
                    throw new IllegalArgumentException("--soak-scenarios: unknown scenario " + name);
                }
                return s;
            }).toList();
            for (Load.Scenario s : scenarios) {
                Load.Result r = Load.run(s, HOST, gw.port, 4, 0.0, 0.3, gw.pid());
                if (r.count() == 0 || r.errors() > 0) {
                    throw new IllegalStateException("smoke test of '" + s.name() + "' failed: " + r.errors()
                            + " errors of " + r.count() + "; first problem: " + r.firstProblem());
                }
            }
            log(String.format(Locale.ROOT, "soak: %.0f s JIT warm-up, then %.0f s of %s in %.0f s slices, %d "
                    + "connections", o.warmup, o.soakSeconds, o.soakScenarios, o.soakSlice, o.connections));
            long warmEnd = System.nanoTime() + (long) (o.warmup * 1e9);
            for (int i = 0; System.nanoTime() < warmEnd; i++) {
                double left = (warmEnd - System.nanoTime()) / 1e9;
                Load.run(scenarios.get(i % scenarios.size()), HOST, gw.port, o.connections,
                        Math.min(o.soakSlice, left), 0, gw.pid());
            }
            Soak.Result r = Soak.run(scenarios, gw, o.connections, o.soakSeconds, o.soakSlice, o.soakSample, gcLog);
            md = "# wxgate long run, " + now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")) + "\n\n"
                    + String.format(Locale.ROOT, "- command: `%s`; gateway commit %s%n- machine: %s%n- gateway: %s "
                            + "launch, OpenJDK %s; the shipped application.yaml plus the bench's credentials%s; every "
                            + "callback a new message, so the dedupe window fills as in production%n%n", o.command,
                            o.commit.isEmpty() ? "unknown" : "`" + o.commit + "`", Report.machine(), launch.name(),
                            System.getProperty("java.version"),
                            o.gatewayArgs.isEmpty() ? "" : " and `" + String.join(" ", o.gatewayArgs) + "`")
                    + Soak.markdown(r, o.soakScenarios, o.connections, o.soakSeconds, jvm)
                    + "\nThe gateway's log and GC log: `" + runDir + "`.\n";
        } finally {
            gw.stop();
        }
        Path out = o.results.resolve(stamp + "-soak.md");
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(md);
        log("written to " + out);
    }

    /**
     * Profiles a fresh gateway that runs JFR from its start (starting JFR later deoptimises the hot code and the
     * JIT's recompiling then dominates the window): each profiled scenario gets a lead-in, then only the samples of
     * its measured window are summed up.
     */
    private static void profile(Options o, Map<String, String> settings, Callbacks callbacks, Path runDir,
            Report report) throws Exception {
        Path jfr = runDir.resolve("profile.jfr").toAbsolutePath();
        List<String> jvm = new ArrayList<>(o.gatewayJvm);
        jvm.add("-XX:StartFlightRecording=name=wxbench,settings=" + o.profileSettings);
        log("profile: a fresh gateway with JFR on from its start (settings=" + o.profileSettings + ")");
        Gateway g = Gateway.start(o.root, Gateway.Launch.classpath(o.gatewayClasspath), jvm, settings, o.gatewayArgs,
                runDir.resolve("gateway-profile.log"), callbacks, 120);
        try {
            Callbacks cb = callbacks.at(g.port);
            cb.calibrate();
            List<java.time.Instant[]> windows = new ArrayList<>();
            List<Load.Result> results = new ArrayList<>();
            boolean first = true;
            for (Load.Scenario s : List.of(cb.plain(true), cb.safe(true, 8))) {
                double leadIn = first ? Math.max(o.profileLeadIn, o.warmup / 2) : o.profileLeadIn;
                first = false;
                log(String.format(Locale.ROOT, "profile: '%s', %.0f s lead-in, %.0f s sampled", s.name(), leadIn,
                        o.profileSeconds));
                java.time.Instant from = java.time.Instant.now().plusMillis((long) (leadIn * 1000));
                Load.Result r = Load.run(s, HOST, g.port, o.connections, leadIn, o.profileSeconds, g.pid());
                windows.add(new java.time.Instant[] {from, java.time.Instant.now()});
                results.add(r);
                log(String.format(Locale.ROOT, "  %.0f req/s, server %.0f µs/req under JFR", r.rps(), r.serverCpuUs()));
            }
            Profiler.dump(g.pid(), jfr);
            for (int i = 0; i < results.size(); i++) {
                Load.Result r = results.get(i);
                String title = r.name() + String.format(Locale.ROOT, ", %,.0f req/s under JFR (%.0f µs server CPU "
                        + "per request; other programs used %.0f %% of the machine)", r.rps(), r.serverCpuUs(),
                        r.otherCpuPct());
                report.profiles.put(title, Profiler.analyse(jfr, windows.get(i)[0], windows.get(i)[1],
                        o.profileSettings, 25));
                report.profileThreads.put(title, r.threadCpu());
            }
        } finally {
            g.stop();
        }
    }

    /**
     * The yardstick (issue 16): a bare Jetty handler ({@link BareJetty}) in a JVM of its own, warmed up for a tenth of
     * the gateway's warm-up (at least 10 s), then measured like the gateway's first scenario (plain, no reply): same
     * driver, connections, lead-in and window. The report gives each of the gateway's rates as a share of it.
     */
    private static Load.Result measureLimit(Options o, Callbacks callbacks, Path runDir) throws Exception {
        int port = Gateway.freePort();
        Path log = runDir.resolve("bare-jetty.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BareJetty.class.getName(), Integer.toString(port));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Gateway.listening(HOST, port)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bare Jetty did not start; see " + log);
                }
                Load.sleep(0.05);
            }
            Load.Scenario plain = callbacks.at(port).plain(false);
            quietMachine(o.waitQuiet);
            double warm = Math.max(10, o.warmup / 10);
            log(String.format(Locale.ROOT, "limit: a bare Jetty handler on port %d, %.0f s warm-up, then measured as "
                    + "'%s'", port, warm, plain.name()));
            Load.run(plain, HOST, port, o.connections, warm, 0, p.pid());
            Load.Result r = Load.run(plain, HOST, port, o.connections, o.scenarioWarmup, o.duration, p.pid());
            log(String.format(Locale.ROOT, "  limit: %.0f req/s, p99 %.2f ms, errors %d, server %.0f µs/req",
                    r.rps(), r.p99(), r.errors(), r.serverCpuUs()));
            return r;
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    private static Load.Result measure(Load.Scenario s, Gateway gw, Options o) {
        log(String.format(Locale.ROOT, "measuring '%s': %d connections, %.1f s lead-in, %.0f s measured", s.name(),
                o.connections, o.scenarioWarmup, o.duration));
        Load.Result r = Load.run(s, HOST, gw.port, o.connections, o.scenarioWarmup, o.duration, gw.pid());
        log(String.format(Locale.ROOT, "  %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d, server %.0f µs/req, "
                + "driver %.0f µs/req, other CPU %.0f %%%s", r.rps(), r.p50(), r.p99(), r.errors(), r.serverCpuUs(),
                r.driverCpuUs(), r.otherCpuPct(),
                r.firstProblem() == null ? "" : "; first problem: " + r.firstProblem()));
        return r;
    }

    /**
     * Other work on the same 2 cores skews every figure: wait up to waitSeconds for the machine to be quiet (under
     * 15 % busy for 3 s), and say so when it is not (each scenario's row also shows the CPU that neither the gateway
     * nor the driver used).
     */
    static void quietMachine(double waitSeconds) {
        long deadline = System.nanoTime() + (long) (waitSeconds * 1e9);
        long lastSaid = 0;
        do {
            long[] a = Proc.machine();
            Load.sleep(3);
            long[] b = Proc.machine();
            double busy = 100.0 * (b[0] - a[0]) / Math.max(1, b[1] - a[1]);
            if (busy < 15) {
                return;
            }
            if (System.nanoTime() - lastSaid > 30e9) {
                log(String.format(Locale.ROOT, "the machine is %.0f %% busy with other work; waiting (at most %.0f s) "
                        + "for it to quiet down", busy, waitSeconds));
                lastSaid = System.nanoTime();
            }
        } while (System.nanoTime() < deadline);
        log("WARNING: the machine stayed busy; figures will be low (see the 'other CPU' column)");
    }

    static void log(String s) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + s);
        System.out.flush();
    }
}
