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

    static {
        STAGES.put("signature (SHA-1, Signatures.sign)", new String[] {"io.wxgate.crypto.Signatures"});
        STAGES.put("safe-mode AES + Base64 (WeChatCipher)", new String[] {"io.wxgate.crypto.WeChatCipher"});
        STAGES.put("plain-mode nonce binding (SHA-256 + Caffeine)", new String[] {
                "io.wxgate.callback.CallbackVerifier.digest", "io.wxgate.store.LocalNonceRegistry",
                "io.wxgate.store.NonceRegistry"});
        STAGES.put("request read + query parsing (CallbackRequest)", new String[] {"io.wxgate.callback.CallbackRequest"});
        STAGES.put("XML parse (Jackson XML / Woodstox / StAX)", new String[] {"io.wxgate.message.WeChatXml",
                "io.wxgate.message.HardenedXmlInputFactory", "com.fasterxml.jackson.dataformat.xml", "com.ctc.wstx",
                "org.apache.camel.component.jacksonxml", "com.sun.org.apache.xerces", "com.sun.xml.internal.stream"});
        STAGES.put("dedupe (idempotent consumer, key, Caffeine)", new String[] {"io.wxgate.callback.DedupeKeys",
                "io.wxgate.store.ExpiringIdempotentRepository", "org.apache.camel.processor.idempotent"});
        STAGES.put("first-reply store / dispatcher wait", new String[] {"io.wxgate.store.LocalFirstReplyStore",
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
        STAGES.put("Camel engine (exchange, routing, type conversion)", new String[] {"org.apache.camel"});
        STAGES.put("Jetty HTTP (connector, parser, servlet)", new String[] {"org.eclipse.jetty", "jakarta.servlet"});
        STAGES.put("logging", new String[] {"org.slf4j", "ch.qos.logback", "org.apache.logging"});
        // Weak: shared by several stages, so a sample goes to the first strong stage further down its stack.
        STAGES.put("Jackson, caller not attributed", new String[] {"~com.fasterxml.jackson", "~javax.xml"});
    }

    record Report(Path file, double seconds, long samples, Map<String, Long> stages, List<Map.Entry<String, Long>> topSelf,
            List<Map.Entry<String, Long>> topWxgate, List<Map.Entry<String, Long>> threads, long gcCount,
            double gcPauseMs, double jvmCpuPct, double machineCpuPct) {
    }

    private Profiler() {
    }

    static void start(long pid, Path file) {
        jcmd(pid, "JFR.start", "name=wxbench", "settings=profile", "filename=" + file);
    }

    static void stop(long pid, Path file) {
        jcmd(pid, "JFR.stop", "name=wxbench", "filename=" + file);
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

    static Report analyse(Path file, int top) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> wxgate = new HashMap<>();
        Map<String, Long> stages = new LinkedHashMap<>();
        STAGES.keySet().forEach(k -> stages.put(k, 0L));
        stages.put("other (JDK, Spring, unattributed)", 0L);
        Map<String, Long> threads = new HashMap<>();
        long samples = 0;
        long gcCount = 0;
        double gcPause = 0;
        double jvmCpu = 0;
        double machineCpu = 0;
        int cpuEvents = 0;
        java.time.Instant first = null;
        java.time.Instant last = null;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
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
                    wxgate.merge(wx == null ? "(no wxgate frame on the stack)" : wx, 1L, Long::sum);
                    RecordedThread t = RecordedThread.of(e);
                    threads.merge(t.group(), 1L, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcCount++;
                    gcPause += e.getDuration("sumOfPauses").toNanos() / 1e6;
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
        double seconds = first == null ? 0 : Duration.between(first, last).toMillis() / 1000.0;
        return new Report(file, seconds, samples, stages, topN(self, top), topN(wxgate, top), topN(threads, 12),
                gcCount, gcPause, cpuEvents == 0 ? 0 : 100 * jvmCpu / cpuEvents,
                cpuEvents == 0 ? 0 : 100 * machineCpu / cpuEvents);
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

    static String markdown(String title, Report r) {
        StringBuilder s = new StringBuilder();
        s.append("### Profile: ").append(title).append("\n\n");
        s.append(String.format(Locale.ROOT, "JFR (settings=profile, %.0f s, %d execution samples of running Java "
                + "threads; JVM CPU %.0f %% of the machine, machine %.0f %%; %d GCs, %.0f ms paused in total). "
                + "Recording: `%s`.%n%n", r.seconds(), r.samples(), r.jvmCpuPct(), r.machineCpuPct(), r.gcCount(),
                r.gcPauseMs(), r.file()));
        s.append("Stages (each sample counted once, for the innermost stage on its stack):\n\n");
        s.append("| stage | samples | share |\n|---|---:|---:|\n");
        r.stages().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> s.append(String.format(Locale.ROOT, "| %s | %d | %.1f %% |%n", e.getKey(), e.getValue(),
                        share(e.getValue(), r.samples()))));
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
