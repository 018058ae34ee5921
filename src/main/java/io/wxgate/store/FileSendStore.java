package io.wxgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.wxgate.message.Json;

/**
 * Send records of the embedded default: one JSON file per send. A process killed at any moment leaves either the
 * old record or the new one, never half of one: a record that fits in one page (nearly all do) is rewritten in
 * place by one positional write, which the kernel applies to the page cache whole; a larger one is written to a
 * temporary file and renamed over the old. The rename costs a hundred times more on this kind of disk (an inode
 * freed per update), which made it the bottleneck of durable sends (bench/README.md).
 * Failed sends are also linked under {@code failed/}, and msgids under {@code by-msgid/}, so neither lookup scans.
 * WeChat numbers msgids per account: the default account's are {@code by-msgid/<msgid>} (where they were before the
 * gateway served several accounts, so a report for an older send still finds it), another account's are
 * {@code by-msgid/<appid>/<msgid>}.
 */
public final class FileSendStore implements SendStore {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,80}");
    private static final int LOCK_STRIPES = 256;
    /** The largest record rewritten in place: one page, which a single write changes whole or not at all. */
    static final int PAGE = 4096;

    private final Path records;
    private final Path byMsgid;
    private final Path failed;
    private final String defaultAppid;
    private final Object[] locks = new Object[LOCK_STRIPES];

    /** @param defaultAppid the default account's AppId, which records written before accounts existed belong to */
    public FileSendStore(Path dir, String defaultAppid) {
        this.defaultAppid = defaultAppid;
        this.records = dir.resolve("records");
        this.byMsgid = dir.resolve("by-msgid");
        this.failed = dir.resolve("failed");
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
        try {
            Files.createDirectories(records);
            Files.createDirectories(byMsgid);
            Files.createDirectories(failed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the send store under " + dir, e);
        }
    }

    @Override
    public boolean create(SendRecord record) {
        synchronized (lockOf(record.id())) {
            if (find(record.id()).isPresent()) {
                return false;
            }
            store(null, record);
            return true;
        }
    }

    @Override
    public Optional<SendRecord> find(String id) {
        if (!SAFE_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return read(fileOf(id));
    }

    @Override
    public Optional<SendRecord> update(String id, UnaryOperator<SendRecord> change) {
        synchronized (lockOf(id)) {
            Optional<SendRecord> current = find(id);
            if (current.isEmpty()) {
                return current;
            }
            SendRecord next = change.apply(current.get());
            if (next == null) {
                return current;
            }
            store(current.get(), next);
            return Optional.of(next);
        }
    }

    @Override
    public Optional<SendRecord> findByMsgid(String appid, long msgid) {
        try {
            String id = Files.readString(msgidIndex(appid, msgid)).trim();
            return id.isEmpty() ? Optional.empty() : find(id).filter(r -> appid.equals(r.appid()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<SendRecord> failed(int limit, Predicate<SendRecord> which) {
        List<SendRecord> result = new ArrayList<>();
        try (Stream<Path> links = Files.list(failed)) {
            for (Path link : links.toList()) {
                read(fileOf(link.getFileName().toString())).filter(r -> SendRecord.FAILED.equals(r.status()))
                        .filter(which).ifPresent(result::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        result.sort(Comparator.comparing(SendRecord::updatedAt).reversed());
        return result.size() > limit ? result.subList(0, limit) : result;
    }

    /** Writes a record and keeps both indexes in step with it, touching an index only when it changes. */
    private void store(SendRecord previous, SendRecord next) {
        try {
            Path failedLink = failed.resolve(next.id());
            boolean wasFailed = previous != null && SendRecord.FAILED.equals(previous.status());
            boolean isFailed = SendRecord.FAILED.equals(next.status());
            // A link to a record that is not failed is harmless (failed() checks the status), a missing one
            // would hide a dead letter: so the link is made before the record and removed after it.
            if (isFailed && !wasFailed) {
                Files.write(failedLink, new byte[0]);
            }
            byte[] content = Json.MAPPER.writeValueAsBytes(next);
            Path file = fileOf(next.id());
            writeWhole(file, content, previous == null);
            if (next.msgid() != null && (previous == null || !next.msgid().equals(previous.msgid()))) {
                // A few bytes, written whole by one write: no rename needed (and a rename is what costs here).
                Path index = msgidIndex(next.appid(), next.msgid());
                if (!index.getParent().equals(byMsgid)) {
                    Files.createDirectories(index.getParent());
                }
                writeWhole(index, next.id().getBytes(StandardCharsets.UTF_8), true);
            }
            if (wasFailed && !isFailed) {
                Files.deleteIfExists(failedLink);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write send record " + next.id(), e);
        }
    }

    private Path msgidIndex(String appid, long msgid) {
        String name = Long.toString(msgid);
        if (defaultAppid.equals(appid)) {
            return byMsgid.resolve(name);
        }
        if (appid == null || !SAFE_ID.matcher(appid).matches()) {
            throw new IllegalArgumentException("not an AppId");
        }
        return byMsgid.resolve(appid).resolve(name);
    }

    private Optional<SendRecord> read(Path file) {
        try {
            byte[] content = Files.readAllBytes(file);
            // Empty only when the process died between creating the file and its one write: never stored.
            return content.length == 0 ? Optional.empty()
                    : Optional.of(Json.MAPPER.readValue(content, SendRecord.class).withAccountOr(defaultAppid));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read send record " + file.getFileName(), e);
        }
    }

    /**
     * One positional write over the old record, padded with spaces (trailing whitespace is still the same JSON)
     * so that no truncation is needed: a single write within one page is never seen half done. A record that
     * is, or was, larger than a page is renamed over instead.
     */
    private static void writeWhole(Path file, byte[] content, boolean create) throws IOException {
        if (content.length > PAGE) {
            renameOver(file, content);
            return;
        }
        Set<OpenOption> options = create ? Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE)
                : Set.of(StandardOpenOption.WRITE);
        try (FileChannel channel = FileChannel.open(file, options)) {
            long size = channel.size();
            if (size > PAGE) {
                channel.close();
                renameOver(file, content);
                return;
            }
            byte[] whole = content;
            if (content.length < size) {
                whole = Arrays.copyOf(content, (int) size);
                Arrays.fill(whole, content.length, whole.length, (byte) ' ');
            }
            writeAt0(channel, ByteBuffer.wrap(whole));
        }
    }

    private static void writeAt0(FileChannel channel, ByteBuffer content) throws IOException {
        while (content.hasRemaining()) {
            channel.write(content, content.position());
        }
    }

    private static void renameOver(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + Thread.currentThread().getId());
        Files.write(tmp, content);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path fileOf(String id) {
        if (!SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a send id");
        }
        return records.resolve(id + ".json");
    }

    private Object lockOf(String id) {
        return locks[Math.floorMod(id.hashCode(), LOCK_STRIPES)];
    }
}
