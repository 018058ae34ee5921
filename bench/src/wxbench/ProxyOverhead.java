package wxbench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.wxgate.simulator.WeChatApiSimulator;

/**
 * What the WeChat proxy (SPEC §8) adds to a call (issue 15): the same JSON GET ({@code cgi-bin/user/info}) made
 * directly to the WeChat API simulator with its access_token, and through a gateway's
 * {@code /api/v1/wechat/cgi-bin/user/info}, alternately on one kept-alive connection each, so that both see the
 * same machine. The overhead at p50 and p99 is the difference of the two latency percentiles.
 *
 * <pre>java -cp bench/target/classes:target/classes:target/test-classes:$(cat bench/target/cp-test.txt) \
 *     wxbench.ProxyOverhead [--calls=20000] [--warm=5000]</pre>
 */
public final class ProxyOverhead {

    public static void main(String[] args) throws Exception {
        int calls = 20_000;
        int warm = 5_000;
        Path root = Path.of(".").toAbsolutePath().normalize();
        for (String a : args) {
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
            switch (name) {
                case "--calls" -> calls = Integer.parseInt(v);
                case "--warm" -> warm = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a + " (see bench/README.md)");
            }
        }
        String classpath = root.resolve("target/classes") + ":"
                + Files.readString(root.resolve("bench/target/cp-runtime.txt")).trim();
        WeChatApiSimulator sim = WeChatApiSimulator.start(Bench.APP_ID, Bench.APP_SECRET);
        Map<String, String> settings = Bench.gatewaySettings(sim);
        Callbacks echo = new Callbacks(Bench.HOST, 0, "/wechat/callback", Bench.TOKEN, Bench.APP_ID, Bench.AES_KEY);
        Path log = Files.createTempFile("wxbench-proxy-", ".log");
        Gateway gw = Gateway.start(root, Gateway.Launch.classpath(classpath), List.of(), settings, List.of(), log,
                echo, 180);
        try (RawHttp viaGateway = new RawHttp(Bench.HOST, gw.port, 10_000);
                RawHttp direct = new RawHttp(Bench.HOST, sim.port(), 10_000)) {
            byte[] proxied = RawHttp.request("GET", "/api/v1/wechat/cgi-bin/user/info?openid=o-bench&lang=zh_CN",
                    Bench.HOST + ":" + gw.port, null, "Authorization: Bearer " + Bench.API_KEY + "\r\n", null);
            // The first proxied call fetches the token; the direct calls then use the very one the gateway holds.
            call(viaGateway, proxied);
            byte[] straight = RawHttp.request("GET", "/cgi-bin/user/info?openid=o-bench&lang=zh_CN&access_token="
                    + sim.currentToken(), Bench.HOST + ":" + sim.port(), null, null, null);
            long[] viaTimes = new long[calls];
            long[] directTimes = new long[calls];
            for (int i = 0; i < warm + calls; i++) {
                long t0 = System.nanoTime();
                call(viaGateway, proxied);
                long t1 = System.nanoTime();
                call(direct, straight);
                long t2 = System.nanoTime();
                if (i >= warm) {
                    viaTimes[i - warm] = t1 - t0;
                    directTimes[i - warm] = t2 - t1;
                }
            }
            Arrays.sort(viaTimes);
            Arrays.sort(directTimes);
            double[] p = {0.5, 0.99};
            List<String> rows = new ArrayList<>();
            for (double q : p) {
                double via = at(viaTimes, q);
                double straightMs = at(directTimes, q);
                rows.add(String.format(Locale.ROOT, "| p%.0f | %.3f ms | %.3f ms | %.3f ms |", q * 100, straightMs,
                        via, via - straightMs));
            }
            System.out.printf(Locale.ROOT, "%nGET cgi-bin/user/info, %,d calls each after %,d warm-up, one connection "
                    + "each, alternating%n%n| | direct to the simulator | through the proxy | overhead |%n|---|---|---|---|%n%s%n",
                    calls, warm, String.join("\n", rows));
        } finally {
            gw.stop();
            sim.close();
        }
    }

    private static void call(RawHttp http, byte[] request) throws java.io.IOException {
        http.exchange(request);
        if (http.status != 200 || !http.bodyText().contains("\"openid\":\"o-bench\"")) {
            throw new IllegalStateException("unexpected answer " + http.status + ": "
                    + new String(http.body, 0, http.bodyLength, StandardCharsets.UTF_8));
        }
    }

    private static double at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }
}
