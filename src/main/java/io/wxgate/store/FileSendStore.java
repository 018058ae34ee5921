package io.wxgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Send records of the embedded default: one JSON file per send, replaced atomically (write, then rename),
 * so a process killed at any moment leaves either the old record or the new one, never half of one.
 * Failed sends are also linked under {@code failed/}, and msgids under {@code by-msgid/}, so neither lookup scans.
 */
public final class FileSendStore implements SendStore {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,80}");
    private static final int LOCK_STRIPES = 256;

    private final Path records;
    private final Path byMsgid;
    private final Path failed;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Object[] locks = new Object[LOCK_STRIPES];

    public FileSendStore(Path dir) {
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
            if (Files.exists(fileOf(record.id()))) {
                return false;
            }
            write(record);
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
            current.map(change).ifPresent(this::write);
            return find(id);
        }
    }

    @Override
    public Optional<SendRecord> findByMsgid(long msgid) {
        try {
            return find(Files.readString(byMsgid.resolve(Long.toString(msgid))).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<SendRecord> failed(int limit) {
        List<SendRecord> result = new ArrayList<>();
        try (Stream<Path> links = Files.list(failed)) {
            for (Path link : links.toList()) {
                read(fileOf(link.getFileName().toString())).filter(r -> SendRecord.FAILED.equals(r.status()))
                        .ifPresent(result::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        result.sort(Comparator.comparing(SendRecord::updatedAt).reversed());
        return result.size() > limit ? result.subList(0, limit) : result;
    }

    private void write(SendRecord record) {
        try {
            atomicWrite(fileOf(record.id()), json.writeValueAsBytes(record));
            if (record.msgid() != null) {
                atomicWrite(byMsgid.resolve(record.msgid().toString()), record.id().getBytes(StandardCharsets.UTF_8));
            }
            Path failedLink = failed.resolve(record.id());
            if (SendRecord.FAILED.equals(record.status())) {
                Files.write(failedLink, new byte[0]);
            } else {
                Files.deleteIfExists(failedLink);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write send record " + record.id(), e);
        }
    }

    private Optional<SendRecord> read(Path file) {
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file), SendRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read send record " + file.getFileName(), e);
        }
    }

    private static void atomicWrite(Path target, byte[] content) throws IOException {
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
