package wxbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Linux /proc readings: CPU time of a process, its memory, and the machine's busy time. */
final class Proc {

    /** Clock ticks per second of utime/stime (getconf CLK_TCK), passed in by run.sh; 100 on Linux x86. */
    static final long CLK_TCK = Long.getLong("bench.clkTck", 100);

    private Proc() {
    }

    /** utime + stime of every thread of the process, in microseconds (resolution 1/CLK_TCK s). */
    static long cpuMicros(long pid) {
        String stat = read(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name in parentheses, which may itself contain spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): utime is field 14, stime field 15.
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 1_000_000L / CLK_TCK;
    }

    /** CPU microseconds of each thread of the process, by thread id, with its (15-character) name. */
    record ThreadCpu(String name, long micros) {
    }

    static Map<Long, ThreadCpu> threads(long pid) {
        Map<Long, ThreadCpu> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    out.put(Long.parseLong(t.getFileName().toString()), new ThreadCpu(name, ticks * 1_000_000L / CLK_TCK));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Where a process's CPU went between two {@link #threads} readings, by thread group (digits folded to #), as
     * "name share%" of the process's total, largest first.
     */
    static String threadShares(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, int top) {
        Map<String, Long> groups = new HashMap<>();
        long total = 0;
        for (Map.Entry<Long, ThreadCpu> e : after.entrySet()) {
            ThreadCpu b = before.get(e.getKey());
            long d = e.getValue().micros() - (b == null ? 0 : b.micros());
            if (d > 0) {
                groups.merge(e.getValue().name().replaceAll("[0-9]+", "#"), d, Long::sum);
                total += d;
            }
        }
        long sum = total;
        StringBuilder s = new StringBuilder();
        groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> s.append(s.length() == 0 ? "" : ", ").append('`').append(e.getKey()).append("` ")
                        .append(Math.round(100.0 * e.getValue() / Math.max(1, sum))).append(" %"));
        return s.toString();
    }

    static long selfPid() {
        return ProcessHandle.current().pid();
    }

    /** A line of /proc/pid/status in kB (VmRSS, VmHWM) or as a number (Threads); -1 when absent. */
    static long status(long pid, String key) {
        for (String line : lines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key + ":")) {
                String v = line.substring(key.length() + 1).trim();
                int sp = v.indexOf(' ');
                return Long.parseLong(sp < 0 ? v : v.substring(0, sp));
            }
        }
        return -1;
    }

    /** [busy, total] jiffies of the whole machine, from the first line of /proc/stat. */
    static long[] machine() {
        String[] f = lines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0); // idle + iowait
        return new long[] {total - idle, total};
    }

    /** A snapshot of the gateway's, the generator's and the machine's CPU. */
    record CpuSnapshot(long nanos, long serverMicros, long driverMicros, long machineBusy, long machineTotal) {

        static CpuSnapshot take(long serverPid) {
            long[] m = machine();
            return new CpuSnapshot(System.nanoTime(), cpuMicros(serverPid), cpuMicros(selfPid()), m[0], m[1]);
        }
    }

    static long dirBytes(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p + " (is this Linux?)", e);
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p, e);
        }
    }
}
