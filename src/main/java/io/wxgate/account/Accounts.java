package io.wxgate.account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The official accounts in force (SPEC §7): the default account of {@code WECHAT_*} and those of the accounts file,
 * which is read at start and re-read when it changes. Readers take one immutable {@link Snapshot}, so a callback
 * sees one consistent set of accounts however the file changes under it, and a reload never drops one.
 *
 * <p>The file is polled, not watched: Kubernetes mounts a ConfigMap or Secret through a symlink that is swapped
 * to a new directory, which a directory watch on the file's own folder does not report, while a poll that follows
 * the link sees the new file's identity change. A poll costs one {@code stat}; the file is read only when its
 * identity, size or modification time moved and then held still for one more poll, and applied only when its
 * text differs from what is in force.
 */
public final class Accounts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    /** Hex SHA-256 of an API key: how keys are held and compared. */
    private static String keyDigest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * SPEC §3, §7: the header (routes, {@code direct:} sends) and JMS string property naming the account a message
     * or a send belongs to; absent on a send means the default account.
     */
    public static final String APP_ID_HEADER = "WeChatAppId";

    /**
     * The accounts in force at one moment. Accounts' API keys are held by their SHA-256 ({@link #keyDigest}): a
     * request's key is found with one digest and one map look-up however many accounts there are, and the look-up's
     * timing says nothing about a key, since nobody can choose what a key digests to.
     */
    public record Snapshot(Account defaultAccount, Map<String, Account> byAppId, Map<String, Account> byApiKeyDigest) {

        static Snapshot of(Account defaultAccount, List<Account> fromFile) {
            Map<String, Account> byAppId = new LinkedHashMap<>();
            Map<String, Account> byApiKeyDigest = new LinkedHashMap<>();
            byAppId.put(defaultAccount.appId(), defaultAccount);
            for (Account account : fromFile) {
                byAppId.put(account.appId(), account);
                if (account.hasApiKey()) {
                    byApiKeyDigest.put(keyDigest(account.apiKey()), account);
                }
            }
            return new Snapshot(defaultAccount, Map.copyOf(byAppId), Map.copyOf(byApiKeyDigest));
        }

        /** The account whose own API key this is, if any. */
        public Optional<Account> forApiKey(String presented) {
            return presented == null || presented.isEmpty() ? Optional.empty()
                    : Optional.ofNullable(byApiKeyDigest.get(keyDigest(presented)));
        }

        public Optional<Account> find(String appId) {
            return Optional.ofNullable(appId == null ? null : byAppId.get(appId));
        }
    }

    private final Account defaultAccount;
    private final Path file;
    private final Duration pollInterval;
    private final AccountsFile parser;
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot current;
    private FileState seen = FileState.ABSENT;
    private FileState settling;
    private String lastText = "";
    private ScheduledExecutorService poller;

    /**
     * @param file         the accounts file ({@code WECHAT_ACCOUNTS_FILE}); absent means no further accounts
     * @param pollInterval how often the file is checked for a change
     * @param globalApiKey {@code GATEWAY_API_KEY}, which no account's own key may equal
     */
    public Accounts(Account defaultAccount, Path file, Duration pollInterval, String globalApiKey) {
        this.defaultAccount = Objects.requireNonNull(defaultAccount);
        this.file = file;
        this.pollInterval = pollInterval;
        this.parser = new AccountsFile(defaultAccount.appId(), globalApiKey);
        this.current = Snapshot.of(defaultAccount, List.of());
    }

    /**
     * Reads the file and starts watching it. A file that does not validate stops start-up, as any bad setting does
     * (SPEC §1): a deploy pipeline should catch it before the gateway serves.
     */
    public synchronized void start() {
        load();
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "wechat-accounts-file");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::pollQuietly, pollInterval.toMillis(), pollInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The first read, without the polling thread (tests poll by hand). */
    synchronized void load() {
        FileState state = FileState.of(file);
        if (state.exists()) {
            String text = read(file);
            current = Snapshot.of(defaultAccount, parser.parse(text, file.toString()));
            lastText = text;
        }
        seen = state;
        LOG.info("Accounts: {} in force (the default account {}{})", current.byAppId().size(), defaultAccount.appId(),
                state.exists() ? " and " + (current.byAppId().size() - 1) + " from " + file : "; no accounts file at "
                        + file);
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    public Snapshot snapshot() {
        return current;
    }

    public Account defaultAccount() {
        return defaultAccount;
    }

    public Optional<Account> find(String appId) {
        return current.find(appId);
    }

    /**
     * The account a send or message names: the default account when {@code appId} is absent or empty.
     *
     * @throws UnknownAccountException when no account with this AppId is in force
     */
    public Account require(String appId) {
        if (appId == null || appId.isEmpty()) {
            return defaultAccount;
        }
        return current.find(appId).orElseThrow(() -> new UnknownAccountException(appId));
    }

    /** Called with the new snapshot after each applied change, on the polling thread. */
    public void onChange(Consumer<Snapshot> listener) {
        listeners.add(listener);
    }

    /**
     * Checks the file once and applies it if it changed, has held still since the previous check, and validates.
     *
     * @return whether a new set of accounts is now in force
     */
    public synchronized boolean poll() {
        FileState state = FileState.of(file);
        if (state.equals(seen)) {
            settling = null;
            return false;
        }
        if (!state.equals(settling)) {
            // Changed since the last look: wait one more poll for the writer to finish, so that a file rewritten
            // in place is never read half-written (a cut-off list could still validate, with accounts missing).
            settling = state;
            return false;
        }
        settling = null;
        String text = state.exists() ? read(file) : "";
        seen = state;
        if (text.equals(lastText)) {
            return false;
        }
        Snapshot next;
        try {
            next = Snapshot.of(defaultAccount, parser.parse(text, file.toString()));
        } catch (AccountsFileException e) {
            LOG.error("Accounts file refused, the {} accounts in force stay: {}", current.byAppId().size(),
                    e.getMessage());
            // Remember the refused text, so the same broken file is reported once, not at every poll.
            lastText = text;
            return false;
        }
        Snapshot previous = current;
        current = next;
        lastText = text;
        LOG.info("Accounts file {} applied: {} accounts in force{}", file, next.byAppId().size(),
                describe(previous, next));
        for (Consumer<Snapshot> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.error("An accounts change listener failed: {}", e.toString());
            }
        }
        return true;
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // A file caught mid-write or unreadable for a moment: the next poll tries again.
            LOG.warn("Accounts file {} could not be checked: {}", file, e.toString());
            seen = FileState.ABSENT;
        }
    }

    private static String describe(Snapshot before, Snapshot after) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        after.byAppId().forEach((appId, account) -> {
            Account old = before.byAppId().get(appId);
            if (old == null) {
                added.add(appId);
            } else if (!old.equals(account)) {
                changed.add(appId);
            }
        });
        before.byAppId().keySet().stream().filter(appId -> !after.byAppId().containsKey(appId)).forEach(removed::add);
        StringBuilder text = new StringBuilder();
        if (!added.isEmpty()) {
            text.append("; added ").append(String.join(", ", added));
        }
        if (!changed.isEmpty()) {
            text.append("; changed ").append(String.join(", ", changed));
        }
        if (!removed.isEmpty()) {
            text.append("; removed ").append(String.join(", ", removed));
        }
        return text.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AccountsFileException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** What a poll compares: the file behind any symlinks, its size and modification time. */
    private record FileState(boolean exists, Object identity, long size, FileTime modified) {

        static final FileState ABSENT = new FileState(false, null, -1, null);

        static FileState of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileState(true, attributes.fileKey(), attributes.size(),
                        attributes.lastModifiedTime());
            } catch (NoSuchFileException e) {
                return ABSENT;
            } catch (IOException e) {
                throw new AccountsFileException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
    }
}
