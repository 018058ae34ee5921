package wxbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Readings of another JVM through the JDK's jcmd: its live objects by class, and its threads by name. */
final class Jcmd {

    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern THREAD_NAME = Pattern.compile("^\"(.*?)\"");
    private static final Pattern NMT_CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    private Jcmd() {
    }

    /** Instances and bytes of one class in a histogram. */
    record Count(long instances, long bytes) {
    }

    /** A class histogram of the live objects: jcmd GC.class_histogram runs a full collection first. */
    record Histogram(Map<String, Count> byClass, long totalBytes) {

        static Histogram take(long pid) {
            Map<String, Count> rows = new HashMap<>();
            long total = 0;
            for (String line : run(pid, "GC.class_histogram")) {
                Matcher m = HISTOGRAM_ROW.matcher(line);
                if (m.find()) {
                    Count c = new Count(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                    rows.merge(m.group(3), c, (a, b) -> new Count(a.instances() + b.instances(), a.bytes() + b.bytes()));
                    total += c.bytes();
                }
            }
            if (rows.isEmpty()) {
                throw new IllegalStateException("jcmd " + pid + " GC.class_histogram gave no rows");
            }
            return new Histogram(rows, total);
        }

        /** What grew from {@code before} to this one, per class, largest first. */
        List<Map.Entry<String, Count>> growthSince(Histogram before) {
            List<Map.Entry<String, Count>> grown = new ArrayList<>();
            for (Map.Entry<String, Count> e : byClass.entrySet()) {
                Count b = before.byClass().getOrDefault(e.getKey(), new Count(0, 0));
                grown.add(Map.entry(e.getKey(), new Count(e.getValue().instances() - b.instances(),
                        e.getValue().bytes() - b.bytes())));
            }
            for (Map.Entry<String, Count> e : before.byClass().entrySet()) {
                if (!byClass.containsKey(e.getKey())) {
                    grown.add(Map.entry(e.getKey(), new Count(-e.getValue().instances(), -e.getValue().bytes())));
                }
            }
            grown.sort((a, b) -> Long.compare(b.getValue().bytes(), a.getValue().bytes()));
            return grown;
        }
    }

    /**
     * The JVM's threads by name, digits folded to # (so a pool's threads count together), with their number:
     * jcmd Thread.print sees Java threads (GC and JIT threads are in /proc, see {@link Proc#threads}).
     */
    static Map<String, Integer> threadsByName(long pid) {
        Map<String, Integer> names = new TreeMap<>();
        for (String line : run(pid, "Thread.print")) {
            Matcher m = THREAD_NAME.matcher(line);
            if (m.find()) {
                names.merge(m.group(1).replaceAll("[0-9]+", "#"), 1, Integer::sum);
            }
        }
        return names;
    }

    /**
     * Committed native memory by category (Java Heap, Class, Thread, Code, GC, Internal, Other = direct buffers, …)
     * in KB, largest first; empty unless the JVM runs with -XX:NativeMemoryTracking=summary.
     */
    static Map<String, Long> nativeMemory(long pid) {
        Map<String, Long> committed = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = run(pid, "VM.native_memory", "summary");
        } catch (IllegalStateException notTracking) {
            return committed;
        }
        for (String line : lines) {
            Matcher m = NMT_CATEGORY.matcher(line);
            if (m.find()) {
                committed.put(m.group(1).trim(), Long.parseLong(m.group(2)));
            }
        }
        return committed;
    }

    static List<String> run(long pid, String... command) {
        List<String> args = new ArrayList<>();
        args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        args.add(Long.toString(pid));
        args.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            List<String> lines;
            try (var out = p.inputReader(StandardCharsets.UTF_8)) {
                lines = out.lines().toList();
            }
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: "
                        + String.join("\n", lines.subList(0, Math.min(5, lines.size()))));
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
