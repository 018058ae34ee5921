package io.wxgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.wxgate.message.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Send records of the embedded default: one SQLite database, {@code <data-dir>/send-records.db}, in WAL mode with
 * {@code synchronous=FULL}. A write returns once its transaction is committed and the write-ahead log is synced
 * (fsync) to disk, so an accepted send, the mark made before each call to WeChat and WeChat's answer all outlive a
 * power loss, not only a killed process; the broker's journal, which holds the queued send, is synced as well.
 *
 * <p>One fsync per write would cap the gateway at a few hundred writes a second on a disk that syncs in 2–5 ms, and
 * a send makes three. So every write goes through one writer thread that takes all writes waiting and commits
 * them as one transaction (group commit): one sync for the lot, each caller still returning only after the sync
 * that covers its write. Reads use a few connections of their own and see every committed write (WAL readers do
 * not wait for the writer).
 *
 * <p>The store opens its connections itself from {@code gateway.data-dir}; it is not a Spring DataSource and
 * {@code spring.datasource.*} does not reach it. Records are removed {@code retention} after their last change
 * by {@link #sweep()}, so the database holds about {@code retention × sends a day} records and reuses the pages
 * of those removed.
 */
public final class SqliteSendStore implements SendStore, AutoCloseable {

    public static final String FILE = "send-records.db";
    private static final Logger LOG = LoggerFactory.getLogger(SqliteSendStore.class);
    private static final int READERS = 4;
    /** Writes committed together at most; more wait for the next commit. */
    private static final int MAX_BATCH = 512;
    /** Records removed per transaction by a sweep, so that one sweep never holds the writer for long. */
    private static final int SWEEP_CHUNK = 1000;
    private static final String COLUMNS =
            "id, appid, api, status, msgid, errcode, errmsg, attempts, request, created_at, updated_at, in_flight";

    private final Path file;
    private final String defaultAppid;
    private final Duration retention;
    private final Clock clock;
    private final Connection writeConnection;
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private final BlockingQueue<Write<?>> writes = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /** Work the writer thread does inside a transaction it commits with others. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final class Write<T> {
        private final Work<T> work;
        private final CompletableFuture<T> done = new CompletableFuture<>();
        private T result;

        private Write(Work<T> work) {
            this.work = work;
        }

        private void run(Connection c) throws SQLException {
            result = work.run(c);
        }

        private void complete() {
            done.complete(result);
        }
    }

    private static final Write<Void> STOP = new Write<>(c -> null);

    /**
     * @param dir          the gateway's data directory
     * @param defaultAppid the default account's AppId, which records written before accounts existed belong to
     * @param retention    how long a record is kept after its last change
     */
    public SqliteSendStore(Path dir, String defaultAppid, Duration retention, Clock clock) {
        this.file = dir.resolve(FILE);
        this.defaultAppid = defaultAppid;
        this.retention = retention;
        this.clock = clock;
        try {
            Files.createDirectories(dir);
            writeConnection = open();
            try (Statement s = writeConnection.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS send (id TEXT NOT NULL PRIMARY KEY, appid TEXT NOT NULL, "
                        + "api TEXT NOT NULL, status TEXT NOT NULL, msgid INTEGER, errcode INTEGER, errmsg TEXT, "
                        + "attempts INTEGER NOT NULL, request TEXT, created_at INTEGER NOT NULL, "
                        + "updated_at INTEGER NOT NULL, in_flight INTEGER NOT NULL)");
                // Listings walk these newest first; a status or account filter walks its own.
                s.executeUpdate("CREATE INDEX IF NOT EXISTS send_by_time ON send (created_at, id)");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS send_by_account ON send (appid, created_at, id)");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS send_by_status ON send (status, created_at, id)");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS send_by_msgid ON send (appid, msgid) WHERE msgid IS NOT NULL");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS send_failed ON send (updated_at, id) WHERE status = 'failed'");
            }
            writeConnection.setAutoCommit(false);
            for (int i = 0; i < READERS; i++) {
                readers.add(open());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the send store under " + dir, e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the send store " + file + ": " + e.getMessage(), e);
        }
        writer = new Thread(this::writeLoop, "send-store-writer");
        writer.setDaemon(true);
        writer.start();
    }

    private Connection open() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL in WAL mode: the log is synced at every commit (NORMAL would sync it only at checkpoints).
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        // After a checkpoint the log is cut back to this size instead of keeping its largest size for good.
        config.setJournalSizeLimit(16 * 1024 * 1024);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    @Override
    public boolean create(SendRecord record) {
        return write(c -> insert(c, record));
    }

    @Override
    public Optional<SendRecord> find(String id) {
        return read(c -> one(c, "SELECT " + COLUMNS + " FROM send WHERE id = ?", id));
    }

    @Override
    public Optional<SendRecord> update(String id, UnaryOperator<SendRecord> change) {
        return write(c -> {
            Optional<SendRecord> current = one(c, "SELECT " + COLUMNS + " FROM send WHERE id = ?", id);
            if (current.isEmpty()) {
                return current;
            }
            SendRecord next = change.apply(current.get());
            if (next == null) {
                return current;
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE send SET appid = ?, api = ?, status = ?, msgid = ?, "
                    + "errcode = ?, errmsg = ?, attempts = ?, request = ?, created_at = ?, updated_at = ?, in_flight = ? "
                    + "WHERE id = ?")) {
                bindAllBut(s, next, 1);
                s.setString(12, id);
                s.executeUpdate();
            }
            return Optional.of(next);
        });
    }

    @Override
    public Optional<SendRecord> findByMsgid(String appid, long msgid) {
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM send WHERE appid = ? AND msgid = ?")) {
                s.setString(1, appid);
                s.setLong(2, msgid);
                return first(s);
            }
        });
    }

    /** Newest failure first, a page at a time, so one account's many dead letters do not hide another's. */
    @Override
    public List<SendRecord> failed(int limit, Predicate<SendRecord> which) {
        List<SendRecord> result = new ArrayList<>();
        long beforeAt = Long.MAX_VALUE;
        String beforeId = "";
        int page = Math.max(limit, 100);
        while (result.size() < limit) {
            long at = beforeAt;
            String id = beforeId;
            List<SendRecord> batch = read(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM send WHERE status = 'failed' "
                        + "AND (updated_at, id) < (?, ?) ORDER BY updated_at DESC, id DESC LIMIT ?")) {
                    s.setLong(1, at);
                    s.setString(2, id);
                    s.setInt(3, page);
                    return all(s);
                }
            });
            batch.stream().filter(which).limit(limit - (long) result.size()).forEach(result::add);
            if (batch.size() < page) {
                break;
            }
            SendRecord last = batch.get(batch.size() - 1);
            beforeAt = last.updatedAt().toEpochMilli();
            beforeId = last.id();
        }
        return result;
    }

    @Override
    public SendPage list(SendQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM send WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter(sql, args, "appid = ?", q.appid());
        filter(sql, args, "api = ?", q.api());
        filter(sql, args, "status = ?", q.status());
        filter(sql, args, "created_at >= ?", q.from() == null ? null : q.from().toEpochMilli());
        filter(sql, args, "created_at < ?", q.to() == null ? null : q.to().toEpochMilli());
        if (q.after() != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
            args.add(q.after().createdAtMillis());
            args.add(q.after().id());
        }
        // One more than the page, to know whether another page follows.
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(q.limit() + 1);
        List<SendRecord> found = read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                return all(s);
            }
        });
        if (found.size() <= q.limit()) {
            return new SendPage(found, null);
        }
        List<SendRecord> page = found.subList(0, q.limit());
        return new SendPage(List.copyOf(page), SendQuery.Position.of(page.get(page.size() - 1)));
    }

    private static void filter(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            args.add(value);
        }
    }

    @Override
    public int sweep() {
        long cutoff = clock.instant().minus(retention).toEpochMilli();
        int removed = 0;
        while (true) {
            int chunk = write(c -> {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM send WHERE id IN (SELECT id FROM send "
                        + "WHERE created_at < ? AND updated_at < ? LIMIT " + SWEEP_CHUNK + ")")) {
                    s.setLong(1, cutoff);
                    s.setLong(2, cutoff);
                    return s.executeUpdate();
                }
            });
            removed += chunk;
            if (chunk < SWEEP_CHUNK) {
                return removed;
            }
        }
    }

    /**
     * Moves the records of the store this one replaced, one JSON file per send under {@code dir/records}, into
     * the database, then deletes that directory: sends queued before an upgrade keep their records. Returns how
     * many were moved; a file that cannot be read is logged and left out.
     */
    public int importFiles(Path dir) {
        Path records = dir.resolve("records");
        if (!Files.isDirectory(records)) {
            return 0;
        }
        int moved = 0;
        List<SendRecord> chunk = new ArrayList<>();
        try (Stream<Path> files = Files.list(records)) {
            // A chunk at a time: a volume that ran for months holds more records than a heap should.
            for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().endsWith(".json"))::iterator) {
                byte[] content = Files.readAllBytes(f);
                if (content.length == 0) {
                    continue;
                }
                try {
                    chunk.add(Json.MAPPER.readValue(content, SendRecord.class).withAccountOr(defaultAppid));
                } catch (IOException unreadable) {
                    LOG.warn("Send record {} not imported: {}", f, unreadable.getMessage());
                }
                if (chunk.size() == SWEEP_CHUNK) {
                    moved += insertAll(chunk);
                }
            }
            moved += insertAll(chunk);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the send records under " + records, e);
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            LOG.warn("Imported the send records of {}, but could not delete it: {}", dir, e.getMessage());
        }
        LOG.info("Imported {} send records from {} into {}", moved, dir, file);
        return moved;
    }

    /** Writes the records in one transaction and empties the list; returns how many there were. */
    private int insertAll(List<SendRecord> records) {
        List<SendRecord> copy = List.copyOf(records);
        records.clear();
        write(c -> {
            for (SendRecord r : copy) {
                insert(c, r);
            }
            return null;
        });
        return copy.size();
    }

    /** False when a record with this id exists already. */
    private static boolean insert(Connection c, SendRecord r) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT OR IGNORE INTO send (" + COLUMNS + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, r.id());
            bindAllBut(s, r, 2);
            return s.executeUpdate() == 1;
        }
    }

    /** Binds every column but the id, starting at parameter {@code at}. */
    private static void bindAllBut(PreparedStatement s, SendRecord r, int at) throws SQLException {
        s.setString(at, r.appid());
        s.setString(at + 1, r.api());
        s.setString(at + 2, r.status());
        nullable(s, at + 3, r.msgid(), Types.BIGINT);
        nullable(s, at + 4, r.errcode(), Types.INTEGER);
        s.setString(at + 5, r.errmsg());
        s.setInt(at + 6, r.attempts());
        s.setString(at + 7, r.request());
        s.setLong(at + 8, r.createdAt().toEpochMilli());
        s.setLong(at + 9, r.updatedAt().toEpochMilli());
        s.setInt(at + 10, r.inFlight() ? 1 : 0);
    }

    private static void nullable(PreparedStatement s, int at, Object value, int type) throws SQLException {
        if (value == null) {
            s.setNull(at, type);
        } else {
            s.setObject(at, value);
        }
    }

    private static Optional<SendRecord> one(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            return first(s);
        }
    }

    private static Optional<SendRecord> first(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(record(rs)) : Optional.empty();
        }
    }

    private static List<SendRecord> all(PreparedStatement s) throws SQLException {
        List<SendRecord> result = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.add(record(rs));
            }
        }
        return result;
    }

    private static SendRecord record(ResultSet rs) throws SQLException {
        long msgid = rs.getLong(5);
        Long msgidOrNull = rs.wasNull() ? null : msgid;
        int errcode = rs.getInt(6);
        Integer errcodeOrNull = rs.wasNull() ? null : errcode;
        return new SendRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), msgidOrNull,
                errcodeOrNull, rs.getString(7), rs.getInt(8), rs.getString(9), Instant.ofEpochMilli(rs.getLong(10)),
                Instant.ofEpochMilli(rs.getLong(11)), rs.getInt(12) != 0);
    }

    private <T> T read(Work<T> work) {
        if (closed) {
            throw new IllegalStateException("the send store is closed");
        }
        Connection c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the send store", e);
        }
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("send store read failed: " + e.getMessage(), e);
        } finally {
            readers.add(c);
        }
    }

    /** Hands {@code work} to the writer thread and waits until the transaction that carries it is synced. */
    private <T> T write(Work<T> work) {
        if (closed) {
            throw new IllegalStateException("the send store is closed");
        }
        Write<T> w = new Write<>(work);
        writes.add(w);
        try {
            return w.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the send store", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("send store write failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void writeLoop() {
        List<Write<?>> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                batch.add(writes.take());
            } catch (InterruptedException e) {
                return;
            }
            writes.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(STOP);
            commit(batch);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    /**
     * Runs the writes as one transaction. If one of them fails, the transaction is rolled back and each write runs
     * again in a transaction of its own, so one bad write fails alone.
     */
    private void commit(List<Write<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            for (Write<?> w : batch) {
                w.run(writeConnection);
            }
            writeConnection.commit();
            batch.forEach(Write::complete);
            return;
        } catch (SQLException | RuntimeException e) {
            rollback();
            if (batch.size() == 1) {
                batch.get(0).done.completeExceptionally(e);
                return;
            }
        }
        for (Write<?> w : batch) {
            commit(List.of(w));
        }
    }

    private void rollback() {
        try {
            writeConnection.rollback();
        } catch (SQLException e) {
            LOG.warn("Send store rollback failed: {}", e.getMessage());
        }
    }

    /** Lets the writes already handed over finish, then closes the database. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writes.add(STOP);
        try {
            writer.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Connection> all = new ArrayList<>();
        readers.drainTo(all);
        all.add(writeConnection);
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.warn("Send store connection did not close: {}", e.getMessage());
            }
        }
    }
}
