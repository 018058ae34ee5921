import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * bench/peers.sh's report: the harness's TSV read back as medians per target and scenario, the gateway's figures as
 * ratios to the limit (a bare Jetty) and to WxJava of the same run, and issue 16's targets judged on them.
 * {@code java bench/peers/PeersReport.java results.tsv commit "summary text"}.
 */
public final class PeersReport {

    private record Row(String target, String scenario, double rps, double p99, double cpuPerReq, double startup,
            long requests, long reply, long bad, double rss) {
    }

    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        List<String> header = Arrays.asList(lines.get(0).split("\t"));
        Map<String, List<String[]>> runs = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            runs.computeIfAbsent(f[header.indexOf("target")] + "\t" + f[header.indexOf("scenario")],
                    k -> new ArrayList<>()).add(f);
        }
        Map<String, Row> medians = new LinkedHashMap<>();
        runs.forEach((key, rows) -> {
            String[] ts = key.split("\t");
            medians.put(key, new Row(ts[0], ts[1], median(rows, header, "rps"), median(rows, header, "p99_ms"),
                    median(rows, header, "cpu_us_per_req"), median(rows, header, "startup_s"),
                    sum(rows, header, "requests"), sum(rows, header, "reply"),
                    sum(rows, header, "sock_errors") + sum(rows, header, "non200") + sum(rows, header, "other"),
                    median(rows, header, "rss_mb")));
        });
        StringBuilder out = new StringBuilder();
        out.append("# wxgate beside the peers, ").append(lines.size() > 1 ? lines.get(1).split("\t")[0] : "no runs")
                .append("\n\n- command: `bench/peers.sh` (the harness `../shared/peers/run-bench.sh limit wxjava gateway=…`)")
                .append("; gateway commit `").append(args[1]).append("`\n")
                .append("- gateway: README's production launch (jar + CDS archive), shipped `application.yaml` and routes, ")
                .append("`bench/peers/echo-reply.camel.yaml` in place of the keyword reply; every message on the durable ")
                .append("queue before its answer\n- S1 plain, S2 safe (AES), S3 retry storm (copies of each message on ")
                .append("different connections, plain)\n\n");
        out.append("| target | scenario | req/s | × limit | × WxJava | p99 ms | server CPU µs/req | bad | reply % | start s | RSS MB |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        medians.values().forEach(r -> {
            Row limit = medians.get("limit\t" + r.scenario());
            Row wxjava = medians.get("wxjava\t" + r.scenario());
            out.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %s | %.2f | %.0f | %d | %.1f | %.2f | %.0f |%n",
                    r.target(), r.scenario(), r.rps(), ratio(r.rps(), limit), ratio(r.rps(), wxjava), r.p99(),
                    r.cpuPerReq(), r.bad(), r.requests() == 0 ? 0.0 : 100.0 * r.reply() / r.requests(), r.startup(),
                    r.rss()));
        });
        out.append("\n## Issue 16's targets, judged in this run\n\n| target | measured | met |\n|---|---|:-:|\n");
        target(out, medians, "S1", "plain ≥ 0.42 × the limit", 0.42, "limit");
        target(out, medians, "S2", "safe ≥ 0.38 × the limit", 0.38, "limit");
        target(out, medians, "S1", "plain ≥ 4 × WxJava", 4, "wxjava");
        target(out, medians, "S2", "safe ≥ 4 × WxJava", 4, "wxjava");
        Row storm = medians.get("gateway\tS3");
        if (storm != null) {
            double share = storm.requests() == 0 ? 0 : 100.0 * storm.reply() / storm.requests();
            out.append(String.format(Locale.ROOT, "| retry storm: 100 %% real replies | %.2f %% (%d bad) | %s |%n",
                    share, storm.bad(), share == 100.0 && storm.bad() == 0 ? "yes" : "**no**"));
        }
        double worstP99 = medians.values().stream().filter(r -> r.target().equals("gateway")).mapToDouble(Row::p99)
                .max().orElse(Double.NaN);
        out.append(String.format(Locale.ROOT, "| p99 ≤ 10 ms | %.2f ms (worst scenario) | %s |%n", worstP99,
                worstP99 <= 10 ? "yes" : "**no**"));
        Row gateway = first(medians, "gateway");
        Row limit = first(medians, "limit");
        if (gateway != null && limit != null) {
            double bound = 0.5 + 2 * limit.startup();
            out.append(String.format(Locale.ROOT, "| start-up ≤ 0.5 s + 2 × the limit's (%.2f s) | %.2f s | %s |%n",
                    bound, gateway.startup(), gateway.startup() <= bound ? "yes" : "**no**"));
        }
        out.append("\nThe harness's own summary (medians over runs):\n\n```\n").append(args.length > 2 ? args[2] : "")
                .append("\n```\n");
        System.out.print(out);
    }

    private static void target(StringBuilder out, Map<String, Row> medians, String scenario, String what,
            double wanted, String against) {
        Row gateway = medians.get("gateway\t" + scenario);
        Row base = medians.get(against + "\t" + scenario);
        if (gateway == null || base == null || base.rps() == 0) {
            return;
        }
        double ratio = gateway.rps() / base.rps();
        out.append(String.format(Locale.ROOT, "| %s | %.3f × (%,.0f against %,.0f req/s) | %s |%n", what, ratio,
                gateway.rps(), base.rps(), ratio >= wanted ? "yes" : "**no**"));
    }

    private static Row first(Map<String, Row> medians, String target) {
        return medians.values().stream().filter(r -> r.target().equals(target)).findFirst().orElse(null);
    }

    private static String ratio(double rps, Row base) {
        return base == null || base.rps() == 0 ? "" : String.format(Locale.ROOT, "%.3f", rps / base.rps());
    }

    private static double median(List<String[]> rows, List<String> header, String column) {
        int i = header.indexOf(column);
        double[] v = rows.stream().mapToDouble(f -> parse(f[i])).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long sum(List<String[]> rows, List<String> header, String column) {
        int i = header.indexOf(column);
        return rows.stream().mapToLong(f -> (long) parse(f[i])).sum();
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
