package wxbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.wxgate.simulator.WeChatApiSimulator;

/**
 * Template sends through the durable queue: POST /api/v1/template-messages at a fixed concurrency until N are
 * accepted (202), then wait until the simulator has recorded every delivery. Accepted/s is the API and the
 * persistent enqueue; delivered/s is end to end (first POST to last delivery), against a simulator that holds
 * every template send 50 ms.
 */
final class Outbound {

    record Result(int sends, int connections, long accepted, long rejected, long ioErrors, double acceptSeconds,
            double acceptedPerSec, double p50, double p99, double max, long delivered, double deliverSeconds,
            double deliveredPerSec, double peakDeliveredPerSec, long duplicates, boolean complete,
            double serverCpuUsPerSend, double machineBusyPct, long rssKb, String firstProblem) {
    }

    private static final AtomicLong BATCHES = new AtomicLong();

    private Outbound() {
    }

    static Result run(WeChatApiSimulator sim, String host, int port, String apiKey, int sends, int connections,
            double acceptLimitSeconds, double drainLimitSeconds, long serverPid) {
        String batch = "b" + BATCHES.incrementAndGet() + "-" + System.currentTimeMillis();
        int baseline = sim.deliveryCount("template");
        AtomicInteger next = new AtomicInteger();
        AtomicLong accepted = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong io = new AtomicLong();
        String[] problem = new String[1];
        long[][] latencies = new long[connections][];
        int[] counts = new int[connections];
        String auth = "Authorization: Bearer " + apiKey + "\r\n";
        long acceptDeadline = System.nanoTime() + (long) (acceptLimitSeconds * 1e9);

        Proc.CpuSnapshot before = Proc.CpuSnapshot.take(serverPid);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int conn = c;
            latencies[c] = new long[sends / connections + 16];
            Thread t = new Thread(() -> {
                RawHttp http = new RawHttp(host, port, 15_000);
                int i;
                while ((i = next.getAndIncrement()) < sends && System.nanoTime() < acceptDeadline) {
                    byte[] body = ("{\"touser\":\"o-bench-" + batch + "-" + i + "\",\"template_id\":\"tmpl-bench\","
                            + "\"data\":{\"keyword1\":{\"value\":\"order " + i + "\"},\"keyword2\":{\"value\":\"39.8元\"}}}")
                            .getBytes(StandardCharsets.UTF_8);
                    byte[] request = RawHttp.request("POST", "/api/v1/template-messages", host + ":" + port,
                            "application/json", auth, body);
                    long t0 = System.nanoTime();
                    try {
                        http.exchange(request);
                    } catch (IOException e) {
                        io.incrementAndGet();
                        synchronized (problem) {
                            if (problem[0] == null) {
                                problem[0] = e.toString();
                            }
                        }
                        continue;
                    }
                    long t1 = System.nanoTime();
                    if (counts[conn] == latencies[conn].length) {
                        latencies[conn] = Arrays.copyOf(latencies[conn], counts[conn] * 2);
                    }
                    latencies[conn][counts[conn]++] = t1 - t0;
                    if (http.status == 202) {
                        accepted.incrementAndGet();
                    } else {
                        rejected.incrementAndGet();
                        synchronized (problem) {
                            if (problem[0] == null) {
                                problem[0] = "HTTP " + http.status + ": " + Load.abbreviate(http.bodyText());
                            }
                        }
                    }
                }
                http.close();
            }, "outbound-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        // The delivered count is sampled from the first POST on, to find the best 1-second rate; most sends are
        // delivered while others are still being accepted.
        List<long[]> samples = new ArrayList<>(); // [nanos, delivered]
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        long joinDeadline = start + (long) ((acceptLimitSeconds + 30) * 1e9);
        while (threads.stream().anyMatch(Thread::isAlive) && System.nanoTime() < joinDeadline) {
            samples.add(new long[] {System.nanoTime(), sim.deliveryCount("template") - baseline});
            Load.sleep(0.05);
        }
        double acceptSeconds = (System.nanoTime() - start) / 1e9;

        // Wait for the deliveries.
        long want = accepted.get();
        long drainDeadline = System.nanoTime() + (long) (drainLimitSeconds * 1e9);
        long delivered = 0;
        long doneAt = 0;
        while (System.nanoTime() < drainDeadline) {
            delivered = sim.deliveryCount("template") - baseline;
            samples.add(new long[] {System.nanoTime(), delivered});
            if (delivered >= want) {
                doneAt = System.nanoTime();
                break;
            }
            Load.sleep(0.05);
        }
        if (doneAt == 0) {
            doneAt = System.nanoTime();
        }
        Proc.CpuSnapshot after = Proc.CpuSnapshot.take(serverPid);
        double peak = 0;
        for (int i = 0, j = 0; i < samples.size(); i++) {
            while (samples.get(i)[0] - samples.get(j)[0] > 1_000_000_000L) {
                j++;
            }
            double span = (samples.get(i)[0] - samples.get(j)[0]) / 1e9;
            if (span >= 0.5) {
                peak = Math.max(peak, (samples.get(i)[1] - samples.get(j)[1]) / span);
            }
        }
        // Every accepted send must reach its user exactly once.
        Set<String> users = new HashSet<>();
        long duplicates = 0;
        for (WeChatApiSimulator.Delivery d : sim.deliveries("template")) {
            if (d.touser().startsWith("o-bench-" + batch + "-") && !users.add(d.touser())) {
                duplicates++;
            }
        }
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int k = 0;
        for (int c = 0; c < connections; c++) {
            System.arraycopy(latencies[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        Arrays.sort(all);
        double deliverSeconds = (doneAt - start) / 1e9;
        long busy = after.machineBusy() - before.machineBusy();
        long tot = after.machineTotal() - before.machineTotal();
        return new Result(sends, connections, accepted.get(), rejected.get(), io.get(), acceptSeconds,
                accepted.get() / acceptSeconds, Load.pct(all, 0.5), Load.pct(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, delivered, deliverSeconds, delivered / deliverSeconds,
                peak, duplicates, delivered >= want && want == sends,
                want == 0 ? 0 : (after.serverMicros() - before.serverMicros()) / (double) want,
                tot == 0 ? 0 : 100.0 * busy / tot, Proc.status(serverPid, "VmRSS"), problem[0]);
    }
}
