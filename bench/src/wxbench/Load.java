package wxbench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The closed-loop load generator: a fixed number of connection threads, each sending its next request as soon as
 * the previous answer arrived. Requests run unrecorded during the warm-up, then recorded for the measured window;
 * latencies go to a preallocated (growing) long[] per thread and are sorted at the end.
 */
final class Load {

    static final int WARM = 0;
    static final int MEASURE = 1;
    static final int STOP = 2;

    /** What an answer was, as judged by the scenario. */
    static final int SUCCESS = 0; // "success"
    static final int REPLY = 1;   // the real reply (decrypted and checked in safe mode)
    static final int OTHER = 2;   // 200 but neither

    /** One connection's request source and answer checker; used by one thread only. */
    interface Client {
        byte[] next();

        /** Judges a 200 answer: SUCCESS, REPLY or OTHER. */
        int check(RawHttp http);
    }

    interface Scenario {
        String name();

        /** SUCCESS or REPLY: which answer counts as right. */
        int expected();

        Client client(int index, int connections);
    }

    record Result(String name, int connections, double seconds, long count, double rps, double p50, double p90,
            double p99, double max, long non200, long ioErrors, long unexpected, long successes, long replies,
            long others, double serverCpuUs, double driverCpuUs, double machineBusyPct, double otherCpuPct, long rssKb,
            long threads, String threadCpu, String firstProblem) {

        long errors() {
            return non200 + ioErrors + unexpected;
        }
    }

    private static final class Worker extends Thread {
        final Client client;
        final RawHttp http;
        final Load load;
        final int expected;
        long[] latencies = new long[1 << 16];
        int n;
        long non200;
        long ioErrors;
        long unexpected;
        final long[] outcomes = new long[3];
        volatile String firstProblem;
        long requests;

        Worker(Load load, Client client, RawHttp http, int expected, String name) {
            super(name);
            setDaemon(true);
            this.load = load;
            this.client = client;
            this.http = http;
            this.expected = expected;
        }

        @Override
        public void run() {
            long cap = load.maxRequestsPerConnection;
            while (load.phase != STOP && requests < cap) {
                byte[] request = client.next();
                long t0 = System.nanoTime();
                boolean ok = true;
                try {
                    http.exchange(request);
                } catch (IOException e) {
                    ok = false;
                    if (firstProblem == null) {
                        firstProblem = e.toString();
                    }
                }
                long t1 = System.nanoTime();
                requests++;
                boolean measured = load.phase == MEASURE;
                if (!ok) {
                    if (measured) {
                        ioErrors++;
                    }
                    pause(); // a refused connection would otherwise spin
                    continue;
                }
                int outcome = -1;
                if (http.status == 200) {
                    outcome = client.check(http);
                } else if (firstProblem == null) {
                    firstProblem = "HTTP " + http.status + ": " + abbreviate(http.bodyText());
                }
                if (outcome >= 0 && outcome != expected && firstProblem == null) {
                    firstProblem = "unexpected answer: " + abbreviate(http.bodyText());
                }
                if (measured) {
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = t1 - t0;
                    if (outcome < 0) {
                        non200++;
                    } else {
                        outcomes[outcome]++;
                        if (outcome != expected) {
                            unexpected++;
                        }
                    }
                }
            }
            http.close();
        }

        private static void pause() {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private volatile int phase = WARM;
    private final long maxRequestsPerConnection;

    private Load(long maxRequestsPerConnection) {
        this.maxRequestsPerConnection = maxRequestsPerConnection;
    }

    static String abbreviate(String s) {
        s = s.replaceAll("\\s+", " ");
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }

    /**
     * Runs a scenario: warmSeconds unrecorded, then measureSeconds recorded (measureSeconds 0: warm-up only, null
     * result). Bounded in time and in count (at most 100,000 requests per connection per second of run).
     */
    static Result run(Scenario scenario, String host, int port, int connections, double warmSeconds,
            double measureSeconds, long serverPid) {
        double total = warmSeconds + measureSeconds;
        Load load = new Load((long) Math.max(1000, total * 100_000));
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(load, scenario.client(i, connections), new RawHttp(host, port, 15_000),
                    scenario.expected(), "load-" + scenario.name() + "-" + i));
        }
        workers.forEach(Thread::start);
        sleep(warmSeconds);
        Proc.CpuSnapshot before = null;
        Proc.CpuSnapshot after = null;
        java.util.Map<Long, Proc.ThreadCpu> threadsBefore = null;
        java.util.Map<Long, Proc.ThreadCpu> threadsAfter = null;
        if (measureSeconds > 0) {
            threadsBefore = Proc.threads(serverPid);
            before = Proc.CpuSnapshot.take(serverPid);
            load.phase = MEASURE;
            sleep(measureSeconds);
            load.phase = STOP;
            after = Proc.CpuSnapshot.take(serverPid);
            threadsAfter = Proc.threads(serverPid);
        }
        load.phase = STOP;
        for (Worker w : workers) {
            try {
                w.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (w.isAlive()) {
                w.http.close();
            }
        }
        if (measureSeconds <= 0) {
            return null;
        }
        int count = 0;
        for (Worker w : workers) {
            count += w.n;
        }
        long[] all = new long[count];
        int k = 0;
        long non200 = 0, io = 0, unexpected = 0;
        long[] outcomes = new long[3];
        String problem = null;
        for (Worker w : workers) {
            System.arraycopy(w.latencies, 0, all, k, w.n);
            k += w.n;
            non200 += w.non200;
            io += w.ioErrors;
            unexpected += w.unexpected;
            for (int i = 0; i < 3; i++) {
                outcomes[i] += w.outcomes[i];
            }
            if (problem == null) {
                problem = w.firstProblem;
            }
        }
        Arrays.sort(all);
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        long requests = count + io;
        double serverUs = requests == 0 ? 0 : (after.serverMicros() - before.serverMicros()) / (double) requests;
        double driverUs = requests == 0 ? 0 : (after.driverMicros() - before.driverMicros()) / (double) requests;
        long busy = after.machineBusy() - before.machineBusy();
        long tot = after.machineTotal() - before.machineTotal();
        double ours = (after.serverMicros() - before.serverMicros()) + (after.driverMicros() - before.driverMicros());
        double machineMicros = tot * 1_000_000.0 / Proc.CLK_TCK;
        double otherPct = tot == 0 ? 0 : Math.max(0, 100.0 * (busy * 1_000_000.0 / Proc.CLK_TCK - ours) / machineMicros);
        return new Result(scenario.name(), connections, seconds, count, count / seconds, pct(all, 0.50),
                pct(all, 0.90), pct(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6, non200, io,
                unexpected, outcomes[SUCCESS], outcomes[REPLY], outcomes[OTHER], serverUs, driverUs,
                tot == 0 ? 0 : 100.0 * busy / tot, otherPct, Proc.status(serverPid, "VmRSS"), Proc.status(serverPid, "Threads"),
                Proc.threadShares(threadsBefore, threadsAfter, 8), problem);
    }

    /** Milliseconds at quantile q of sorted nanosecond latencies (nearest rank). */
    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    static void sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
