package wxbench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Samples the gateway with JDK Flight Recorder (started and stopped through jcmd, nothing to install) and sums the
 * execution samples up: the hottest methods (self time), the share of each stage of the callback path (each
 * sample counted once, for the innermost stage on its stack), and the threads that burn the CPU.
 */
final class Profiler {

    /** Stage name → class/method prefixes. Order matters only for the report; the innermost match on a stack wins. */
    static final Map<String, String[]> STAGES = new LinkedHashMap<>();
    static final String CAMEL = "Camel engine (exchange, routing, type conversion)";

    static {
        STAGES.put("signature (SHA-1, Signatures.sign)", new String[] {"io.wxgate.crypto.Signatures"});
        STAGES.put("safe-mode AES + Base64 (WeChatCipher)", new String[] {"io.wxgate.crypto.WeChatCipher"});
        STAGES.put("plain-mode nonce binding (SHA-256 + DigestTable)", new String[] {
                "io.wxgate.store.LocalNonceRegistry", "io.wxgate.store.NonceRegistry"});
        STAGES.put("request read + query parsing (CallbackRequest)", new String[] {"io.wxgate.callback.CallbackRequest"});
        STAGES.put("XML parse (Jackson XML / Woodstox / StAX)", new String[] {"io.wxgate.message.WeChatXml",
                "io.wxgate.message.HardenedXmlInputFactory", "com.fasterxml.jackson.dataformat.xml", "com.ctc.wstx",
                "org.apache.camel.component.jacksonxml", "com.sun.org.apache.xerces", "com.sun.xml.internal.stream"});
        STAGES.put("dedupe (idempotent consumer, key, DigestTable)", new String[] {"io.wxgate.callback.DedupeKeys",
                "io.wxgate.store.LocalDedupeWindow.add", "org.apache.camel.processor.idempotent"});
        STAGES.put("first-reply store / dispatcher wait", new String[] {"io.wxgate.store.LocalDedupeWindow.replyFor",
                "io.wxgate.store.LocalDedupeWindow.offer",
                "io.wxgate.callback.InboundDispatcher.process", "io.wxgate.callback.InboundDispatcher.lambda$process"});
        STAGES.put("reply render (ReplyHeaders, ReplyXml, seal)", new String[] {"io.wxgate.message.ReplyXml",
                "io.wxgate.message.ReplyHeaders", "io.wxgate.callback.CallbackVerifier.seal"});
        STAGES.put("forward to JMS (Jackson JSON + Artemis)", new String[] {"org.apache.camel.component.jms",
                "org.springframework.jms", "org.apache.activemq", "org.apache.camel.component.jackson.",
                "jakarta.jms"});
        STAGES.put("YAML routes: simple language, choice, wireTap", new String[] {"org.apache.camel.language.simple",
                "org.apache.camel.processor.ChoiceProcessor", "org.apache.camel.processor.WireTapProcessor",
                "org.apache.camel.dsl.yaml", "org.apache.camel.support.builder.ExpressionBuilder",
                "org.apache.camel.support.ExpressionSupport", "org.apache.camel.support.ObjectHelper"});
        STAGES.put("inbound routes run (InboundDispatcher.runRoutes)", new String[] {
                "io.wxgate.callback.InboundDispatcher.runRoutes", "io.wxgate.callback.InboundDispatcher.lambda$start"});
        STAGES.put("metrics (Camel micrometer notifiers and route policy, Micrometer, HdrHistogram)", new String[] {
                "org.apache.camel.component.micrometer", "io.micrometer", "org.HdrHistogram", "io.wxgate.ops"});
        STAGES.put(CAMEL, new String[] {"org.apache.camel"});
        STAGES.put("Jetty HTTP (connector, parser, servlet)", new String[] {"org.eclipse.jetty", "jakarta.servlet"});
        STAGES.put("logging", new String[] {"org.slf4j", "ch.qos.logback", "org.apache.logging"});
        // Weak: shared by several stages, so a sample goes to the first strong stage further down its stack.
        STAGES.put("Jackson, caller not attributed", new String[] {"~com.fasterxml.jackson", "~javax.xml"});
    }

    record Report(Path file, String settings, double seconds, long samples, Map<String, Long> stages,
            List<Map.Entry<String, Long>> topCamel, List<Map.Entry<String, Long>> topSelf,
            List<Map.Entry<String, Long>> topWxgate, List<Map.Entry<String, Long>> threads, long gcCount,
            double gcPauseMs, double jvmCpuPct, double machineCpuPct, long compilations, double compileMs) {
    }

    private Profiler() {
    }

    /** Writes the recording started with -XX:StartFlightRecording=name=wxbench to file. */
    static void dump(long pid, Path file) {
        jcmd(pid, "JFR.dump", "name=wxbench", "filename=" + file);
    }

    private static void jcmd(long pid, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        command.add(Long.toString(pid));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sums up the samples taken between from and to (one scenario's measured window). */
    static Report analyse(Path file, java.time.Instant from, java.time.Instant to, String settings, int top)
            throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> wxgate = new HashMap<>();
        Map<String, Long> stages = new LinkedHashMap<>();
        STAGES.keySet().forEach(k -> stages.put(k, 0L));
        stages.put("other (JDK, Spring, unattributed)", 0L);
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> camel = new HashMap<>();
        long samples = 0;
        long gcCount = 0;
        double gcPause = 0;
        double jvmCpu = 0;
        double machineCpu = 0;
        int cpuEvents = 0;
        long compilations = 0;
        double compileMs = 0;
        java.time.Instant first = null;
        java.time.Instant last = null;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
                continue;
            }
            if (first == null || e.getStartTime().isBefore(first)) {
                first = e.getStartTime();
            }
            if (last == null || e.getEndTime().isAfter(last)) {
                last = e.getEndTime();
            }
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    List<RecordedFrame> frames = st.getFrames();
                    self.merge(frameName(frames.get(0)), 1L, Long::sum);
                    String stage = null;
                    String stageFrame = null;
                    String weak = null;
                    String wx = null;
                    for (RecordedFrame f : frames) {
                        String name = frameName(f);
                        if (stage == null) {
                            String[] match = stageOf(name);
                            if (match != null && match[1] != null) {
                                weak = weak == null ? match[0] : weak;
                            } else if (match != null) {
                                stage = match[0];
                                stageFrame = name;
                            }
                        }
                        if (wx == null && name.startsWith("io.wxgate.")) {
                            wx = name;
                        }
                        if (stage != null && wx != null) {
                            break;
                        }
                    }
                    if (stage == null) {
                        stage = weak;
                    }
                    stages.merge(stage == null ? "other (JDK, Spring, unattributed)" : stage, 1L, Long::sum);
                    if (CAMEL.equals(stage)) {
                        camel.merge(stageFrame, 1L, Long::sum);
                    }
                    wxgate.merge(wx == null ? "(no wxgate frame on the stack)" : wx, 1L, Long::sum);
                    RecordedThread t = RecordedThread.of(e);
                    threads.merge(t.group(), 1L, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcCount++;
                    gcPause += e.getDuration("sumOfPauses").toNanos() / 1e6;
                }
                case "jdk.Compilation" -> {
                    compilations++;
                    compileMs += e.getDuration().toNanos() / 1e6;
                }
                case "jdk.CPULoad" -> {
                    jvmCpu += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
                    machineCpu += e.getFloat("machineTotal");
                    cpuEvents++;
                }
                default -> {
                }
            }
        }
        double seconds = Duration.between(from, to).toMillis() / 1000.0;
        return new Report(file, settings, seconds, samples, stages, topN(camel, 15), topN(self, top), topN(wxgate, top), topN(threads, 12),
                gcCount, gcPause, cpuEvents == 0 ? 0 : 100 * jvmCpu / cpuEvents,
                cpuEvents == 0 ? 0 : 100 * machineCpu / cpuEvents, compilations, compileMs);
    }

    private record RecordedThread(String name) {
        static RecordedThread of(RecordedEvent e) {
            var t = e.getThread("sampledThread");
            return new RecordedThread(t == null ? "?" : t.getJavaName() == null ? t.getOSName() : t.getJavaName());
        }

        /** Thread pools by name, numbers stripped: qtp…-#, Camel (wxgate) thread #… */
        String group() {
            return name.replaceAll("\\d+", "#");
        }
    }

    /** [stage, "weak" or null], or null when no stage claims the frame. */
    /** Re-reads a recording: java -cp … wxbench.Profiler file.jfr [from-epoch-ms to-epoch-ms]. */
    public static void main(String[] args) throws IOException {
        java.time.Instant from = args.length > 2 ? java.time.Instant.ofEpochMilli(Long.parseLong(args[1]))
                : java.time.Instant.EPOCH;
        java.time.Instant to = args.length > 2 ? java.time.Instant.ofEpochMilli(Long.parseLong(args[2]))
                : java.time.Instant.now();
        System.out.println(markdown(args[0], analyse(Path.of(args[0]), from, to, "?", 25), null));
    }

    private static String[] stageOf(String frame) {
        for (Map.Entry<String, String[]> s : STAGES.entrySet()) {
            for (String prefix : s.getValue()) {
                boolean weak = prefix.startsWith("~");
                if (frame.startsWith(weak ? prefix.substring(1) : prefix)) {
                    return new String[] {s.getKey(), weak ? "weak" : null};
                }
            }
        }
        return null;
    }

    private static String frameName(RecordedFrame f) {
        var m = f.getMethod();
        return m.getType().getName() + "." + m.getName();
    }

    private static List<Map.Entry<String, Long>> topN(Map<String, Long> counts, int n) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .map(en -> Map.entry(en.getKey(), en.getValue())).toList();
    }

    static String markdown(String title, Report r, String threadCpu) {
        StringBuilder s = new StringBuilder();
        s.append("### Profile: ").append(title).append("\n\n");
        s.append(String.format(Locale.ROOT, "JFR (on from the gateway's start, settings=%s; %.0f s window after the lead-in, %d execution samples of threads running "
                + "Java code; JVM CPU %.0f %% of the machine, machine %.0f %%; %d GCs, %.0f ms paused in total; %d JIT "
                + "compilations, %.0f ms). Recording: `%s`.%n%n", r.settings(), r.seconds(), r.samples(), r.jvmCpuPct(),
                r.machineCpuPct(), r.gcCount(), r.gcPauseMs(), r.compilations(), r.compileMs(), r.file()));
        if (threadCpu != null) {
            s.append("The gateway's CPU by OS thread in the same window (includes GC, JIT and native I/O, which JFR's "
                    + "execution samples do not see): ").append(threadCpu).append(".\n\n");
        }
        s.append("Stages (each sample counted once, for the innermost stage on its stack):\n\n");
        s.append("| stage | samples | share |\n|---|---:|---:|\n");
        r.stages().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> s.append(String.format(Locale.ROOT, "| %s | %d | %.1f %% |%n", e.getKey(), e.getValue(),
                        share(e.getValue(), r.samples()))));
        s.append("\nWithin \"Camel engine\": the innermost Camel method on the stack:\n\n");
        s.append("| method | samples | share of all |\n|---|---:|---:|\n");
        r.topCamel().forEach(e -> s.append(String.format(Locale.ROOT, "| `%s` | %d | %.1f %% |%n", e.getKey(),
                e.getValue(), share(e.getValue(), r.samples()))));
        s.append("\nInnermost wxgate method on the stack (what of ours the time is spent under):\n\n");
        s.append("| method | samples | share |\n|---|---:|---:|\n");
        r.topWxgate().forEach(e -> s.append(String.format(Locale.ROOT, "| `%s` | %d | %.1f %% |%n", e.getKey(),
                e.getValue(), share(e.getValue(), r.samples()))));
        s.append("\nHottest methods (top frame, self time):\n\n");
        s.append("| method | samples | share |\n|---|---:|---:|\n");
        r.topSelf().forEach(e -> s.append(String.format(Locale.ROOT, "| `%s` | %d | %.1f %% |%n", e.getKey(),
                e.getValue(), share(e.getValue(), r.samples()))));
        s.append("\nThreads:\n\n| thread (numbers as #) | samples | share |\n|---|---:|---:|\n");
        r.threads().forEach(e -> s.append(String.format(Locale.ROOT, "| %s | %d | %.1f %% |%n", e.getKey(),
                e.getValue(), share(e.getValue(), r.samples()))));
        s.append('\n');
        return s.toString();
    }

    private static double share(long n, long total) {
        return total == 0 ? 0 : 100.0 * n / total;
    }
}
