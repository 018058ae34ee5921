package wxbench;

import java.lang.ref.Reference;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.wxgate.account.Account;
import io.wxgate.account.Accounts;
import io.wxgate.crypto.WeChatCipher;

/**
 * What an official account costs the gateway (issue 12), measured on the gateway's own classes in this JVM:
 * the time to read, validate and apply an accounts file of N accounts, at start and as a reload, and the heap
 * each account holds (its registry entry, and the safe-mode ciphers made on its first encrypted callback).
 *
 * <pre>java -cp bench/target/classes:target/classes:target/test-classes:$(cat bench/target/cp-test.txt) \
 *     wxbench.AccountsScale [accounts=1000] [heap-accounts=10000]</pre>
 */
public final class AccountsScale {

    private static final Account DEFAULT = new Account(Bench.APP_ID, Bench.APP_SECRET, Bench.TOKEN, Bench.AES_KEY, "",
            false, "");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int heapN = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path dir = Files.createTempDirectory("wxbench-accounts");
        Path file = dir.resolve("accounts.yaml");
        String yaml = Bench.accountsFile(n);
        Files.writeString(file, yaml);
        System.out.printf(Locale.ROOT, "accounts file: %d accounts, %,d bytes%n", n, yaml.length());

        // Start-up: read, validate, apply. The first run is cold (class loading, interpreter); then warm runs.
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            long t0 = System.nanoTime();
            try (Accounts accounts = new Accounts(DEFAULT, file, Duration.ofSeconds(5), "")) {
                accounts.start();
                if (accounts.snapshot().byAppId().values().size() != n + 1) {
                    throw new IllegalStateException("expected " + (n + 1) + " accounts, got " + accounts.snapshot().byAppId().values().size());
                }
            }
            starts.add((System.nanoTime() - t0) / 1e6);
        }
        System.out.printf(Locale.ROOT, "load at start-up: first (cold) %.1f ms, warm median %.1f ms%n", starts.get(0),
                median(starts.subList(1, starts.size())));

        // Reload: an account's Token changes in a file of n; the poll that applies it is timed.
        List<Double> reloads = new ArrayList<>();
        try (Accounts accounts = new Accounts(DEFAULT, file, Duration.ofSeconds(5), "")) {
            accounts.start();
            for (int i = 0; i < 20; i++) {
                Files.writeString(file, yaml.replace("token: " + Bench.accountToken(n) + "\n",
                        "token: changed-" + i + "\n"));
                accounts.poll();
                long t0 = System.nanoTime();
                if (!accounts.poll()) {
                    throw new IllegalStateException("the change was not applied");
                }
                reloads.add((System.nanoTime() - t0) / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "reload applying a changed file: first %.1f ms, median %.1f ms%n",
                reloads.get(0), median(reloads));

        // Heap: heapN accounts in force, then the two ciphers each makes on its first safe-mode callback.
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, Bench.accountsFile(heapN));
        long before = usedAfterGc();
        Accounts held = new Accounts(DEFAULT, big, Duration.ofSeconds(5), "");
        held.start();
        long registry = usedAfterGc() - before;
        List<WeChatCipher> ciphers = new ArrayList<>(heapN);
        long beforeCiphers = usedAfterGc();
        for (Account a : held.snapshot().byAppId().values()) {
            ciphers.add(new WeChatCipher(a.encodingAesKey(), a.appId()));
        }
        long cipherBytes = usedAfterGc() - beforeCiphers;
        System.out.printf(Locale.ROOT, "heap per account (%d accounts): %.0f bytes in force, %.0f bytes per cipher "
                + "made for its safe-mode callbacks (one, two during a key change)%n", heapN,
                registry / (double) heapN, cipherBytes / (double) heapN);
        held.close();
        // The ciphers must stay reachable until the heap was measured with them.
        Reference.reachabilityFence(ciphers);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
