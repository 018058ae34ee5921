package wxbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The long run of issue 14: the callback load of the benchmark (32 connections, closed loop, as fast as the gateway
 * answers) for many minutes on a gateway with a small fixed heap, every delivery a new message, so that the dedupe
 * window fills up as it does in production. Records per interval the answers per second, errors and p99, the heap
 * after garbage collection (from the gateway's own GC log, so nothing here pauses it), its RSS and thread count.
 * The verdict: no OutOfMemoryError, and throughput in the last minute within 10 % of the first full minute.
 */
final class Soak {

    /** Latency buckets of 0.25 ms up to 250 ms; slower answers count in the last bucket. */
    private static final int BUCKETS = 1000;
    private static final long BUCKET_NANOS = 250_000;
    private static final Pattern GC_PAUSE = Pattern.compile(
            "^\\[([^\\]]+)\\].*GC\\(\\d+\\) Pause .*? (\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final DateTimeFormatter GC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /** One sampling interval, seconds from the start of the run. */
    record Interval(double from, double to, long answers, long errors, double p99, long heapAfterGcLowMb,
            long heapAfterGcLastMb, long heapCommittedMb, long rssMb, long threads) {

        double rps() {
            return answers / (to - from);
        }
    }

    record Result(List<Interval> intervals, List<Interval> minutes, long answers, long errors, boolean gatewayAlive,
            boolean outOfMemory, long liveHeapAtEndMb, String firstProblem) {
    }

    private Soak() {
    }

    /**
     * Runs the scenarios, one after the other in slices of sliceSeconds, for seconds in all, sampling every
     * sampleSeconds. gcLog is the gateway's -Xlog:gc file.
     */
    static Result run(List<Load.Scenario> scenarios, Gateway gw, int connections, double seconds,
            double sliceSeconds, double sampleSeconds, Path gcLog) throws InterruptedException {
        int samples = (int) Math.ceil(seconds / sampleSeconds);
        AtomicLongArray answers = new AtomicLongArray(samples + 1);
        AtomicLongArray errors = new AtomicLongArray(samples + 1);
        AtomicLongArray latency = new AtomicLongArray((samples + 1) * BUCKETS);
        String[] problem = new String[1];
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        Instant startedAt = Instant.now();
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            List<Load.Client> clients = new ArrayList<>();
            for (Load.Scenario s : scenarios) {
                clients.add(s.client(c, connections));
            }
            Thread t = new Thread(() -> {
                RawHttp http = new RawHttp(Bench.HOST, gw.port, 15_000);
                try {
                    for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                        int which = (int) ((now - start) / (long) (sliceSeconds * 1e9)) % clients.size();
                        Load.Client client = clients.get(which);
                        int expected = scenarios.get(which).expected();
                        boolean right;
                        try {
                            http.exchange(client.next());
                            right = http.status == 200 && client.check(http) == expected;
                            if (!right) {
                                problem[0] = "HTTP " + http.status + ": " + Load.abbreviate(http.bodyText());
                            }
                        } catch (IOException e) {
                            right = false;
                            problem[0] = e.toString();
                            Load.sleep(0.005);
                        }
                        long done = System.nanoTime();
                        int sample = (int) Math.min(samples, (now - start) / (long) (sampleSeconds * 1e9));
                        answers.incrementAndGet(sample);
                        if (!right) {
                            errors.incrementAndGet(sample);
                        }
                        latency.incrementAndGet(sample * BUCKETS + (int) Math.min(BUCKETS - 1, (done - now) / BUCKET_NANOS));
                    }
                } finally {
                    http.close();
                }
            }, "soak-" + c);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }

        List<long[]> readings = new ArrayList<>(); // per sample: RSS kB, threads
        for (int i = 1; i <= samples; i++) {
            long due = start + (long) (Math.min(seconds, i * sampleSeconds) * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            readings.add(new long[] {Proc.status(gw.pid(), "VmRSS"), Proc.status(gw.pid(), "Threads")});
            if (!gw.process.isAlive()) {
                break;
            }
            double t = Math.min(seconds, i * sampleSeconds);
            Bench.log(String.format(Locale.ROOT, "  %4.0f s: %,.0f answers/s, %d errors, RSS %d MB, %d threads", t,
                    answers.get(i - 1) / sampleSeconds, errors.get(i - 1), readings.get(i - 1)[0] / 1024,
                    readings.get(i - 1)[1]));
        }
        for (Thread w : workers) {
            w.join(30_000);
        }

        List<double[]> gc = gcPauses(gcLog, startedAt);
        List<Interval> intervals = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            intervals.add(interval(i * sampleSeconds, Math.min(seconds, (i + 1) * sampleSeconds), answers.get(i),
                    errors.get(i), latency, i, i + 1, gc, readings.get(i)));
        }
        // Per minute (or per run, if shorter): the same figures over the intervals it spans.
        List<Interval> minutes = new ArrayList<>();
        int perMinute = Math.max(1, (int) Math.round(60 / sampleSeconds));
        for (int from = 0; from < intervals.size(); from += perMinute) {
            int to = Math.min(intervals.size(), from + perMinute);
            long a = 0;
            long e = 0;
            for (int i = from; i < to; i++) {
                a += intervals.get(i).answers();
                e += intervals.get(i).errors();
            }
            minutes.add(interval(intervals.get(from).from(), intervals.get(to - 1).to(), a, e, latency, from, to, gc,
                    readings.get(to - 1)));
        }
        boolean alive = gw.process.isAlive();
        boolean oom = Gateway.read(gw.log).contains("OutOfMemoryError");
        long liveAtEnd = -1;
        if (alive) {
            // A full collection now: what the gateway holds once the load stopped, i.e. the dedupe window's content.
            liveAtEnd = Jcmd.Histogram.take(gw.pid()).totalBytes() / (1024 * 1024);
        }
        long total = 0;
        long wrong = 0;
        for (int i = 0; i <= samples; i++) {
            total += answers.get(i);
            wrong += errors.get(i);
        }
        return new Result(intervals, minutes, total, wrong, alive, oom, liveAtEnd, problem[0]);
    }

    private static Interval interval(double from, double to, long answers, long errors, AtomicLongArray latency,
            int fromSample, int toSample, List<double[]> gc, long[] reading) {
        long[] hist = new long[BUCKETS];
        long n = 0;
        for (int s = fromSample; s < toSample; s++) {
            for (int b = 0; b < BUCKETS; b++) {
                hist[b] += latency.get(s * BUCKETS + b);
                n += latency.get(s * BUCKETS + b);
            }
        }
        double p99 = 0;
        long seen = 0;
        for (int b = 0; b < BUCKETS && n > 0; b++) {
            seen += hist[b];
            if (seen >= Math.ceil(0.99 * n)) {
                p99 = (b + 1) * BUCKET_NANOS / 1e6;
                break;
            }
        }
        long low = -1;
        long last = -1;
        long committed = -1;
        for (double[] pause : gc) {
            if (pause[0] >= from && pause[0] < to) {
                low = low < 0 ? (long) pause[1] : Math.min(low, (long) pause[1]);
                last = (long) pause[1];
                committed = (long) pause[2];
            }
        }
        return new Interval(from, to, answers, errors, p99, low, last, committed, reading[0] / 1024, reading[1]);
    }

    /** Every pause of the gateway's GC log: [seconds since the run started, heap after it MB, heap committed MB]. */
    static List<double[]> gcPauses(Path gcLog, Instant runStart) {
        List<double[]> pauses = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.exists(gcLog) ? Files.readAllLines(gcLog, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return pauses;
        }
        for (String line : lines) {
            Matcher m = GC_PAUSE.matcher(line);
            if (m.find()) {
                Instant at = OffsetDateTime.parse(m.group(1), GC_TIME).toInstant();
                pauses.add(new double[] {(at.toEpochMilli() - runStart.toEpochMilli()) / 1000.0,
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))});
            }
        }
        return pauses;
    }

    /** The report's section: the verdict, then one row per minute. */
    static String markdown(Result r, String scenarios, int connections, double seconds, List<String> jvm) {
        StringBuilder md = new StringBuilder();
        Interval first = r.minutes().size() > 1 ? r.minutes().get(0) : null;
        Interval last = r.minutes().isEmpty() ? null : r.minutes().get(r.minutes().size() - 1);
        md.append(String.format(Locale.ROOT, "## Long run: %.0f s of callbacks (%s), %d connections, gateway JVM `%s`%n%n",
                seconds, scenarios, connections, String.join(" ", jvm)));
        md.append(String.format(Locale.ROOT, "- answers: %,d, errors: %,d%s%n", r.answers(), r.errors(),
                r.firstProblem() == null ? "" : " (first problem: " + r.firstProblem() + ")"));
        md.append(String.format(Locale.ROOT, "- OutOfMemoryError: %s; gateway %s at the end%n", r.outOfMemory() ? "**yes**"
                : "none", r.gatewayAlive() ? "running" : "**gone**"));
        if (first != null && last != null && first.answers() > 0) {
            // The first minute includes the ramp of a fresh window; compare the second with the last.
            Interval second = r.minutes().size() > 2 ? r.minutes().get(1) : first;
            md.append(String.format(Locale.ROOT, "- throughput: %,.0f/s in minute 2, %,.0f/s in the last minute "
                    + "(%+.1f %%)%n", second.rps(), last.rps(), 100.0 * (last.rps() - second.rps()) / second.rps()));
        }
        md.append(String.format(Locale.ROOT, "- live heap after the run (full collection, the window still held): "
                + "%d MB%n%n", r.liveHeapAtEndMb()));
        md.append("| minute | answers/s | errors | p99 ms | heap after GC, lowest / last MB | heap committed MB | RSS MB "
                + "| threads |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int i = 1;
        for (Interval m : r.minutes()) {
            md.append(String.format(Locale.ROOT, "| %d | %,.0f | %d | %.2f | %s / %s | %s | %,d | %d |%n", i++, m.rps(),
                    m.errors(), m.p99(), mb(m.heapAfterGcLowMb()), mb(m.heapAfterGcLastMb()), mb(m.heapCommittedMb()),
                    m.rssMb(), m.threads()));
        }
        return md.toString();
    }

    private static String mb(long v) {
        return v < 0 ? "–" : String.format(Locale.ROOT, "%,d", v);
    }
}
