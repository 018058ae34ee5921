package io.wxgate.callback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where an inbound message whose processing failed is kept, and how it is replayed: one JSON file per message in
 * the dead-letter folder, named after when it failed; a file moved into the folder's {@code replay/} runs through
 * the routes again, and one that fails there is moved on to {@code replay-failed/}. The inbound routes write and
 * replay the files, the API lists and replays them; both go through this class.
 *
 * <p>In cluster mode ({@code shared} set) the letters are kept in {@link SharedDeadLetters} instead, named the same:
 * every instance lists them, and a replay takes the letter there, writes it into this instance's {@code replay/}
 * and removes it once the routes have run it.
 */
public record InboundDeadLetters(Path folder, Clock clock, String defaultAppId, SharedDeadLetters shared) {

    private static final String SUFFIX = ".json";
    private static final String REPLAY = "replay";
    // The local time of day, as the files were always named; the id a letter is known by in the API.
    private static final DateTimeFormatter FAILED_AT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
            .withZone(ZoneId.systemDefault());

    /**
     * A dead letter as the API shows it: its id, the account it came to (SPEC §7) and the message JSON, null if it
     * could not be read.
     */
    public record Letter(String id, String appId, String message) {
    }

    /** The endpoint dead letters are written to, each under {@link #fileName} (not in cluster mode: {@code shared}). */
    String folderUri() {
        return "file:" + folder;
    }

    /** The id of a letter written under {@code fileName}. */
    static String idOf(String fileName) {
        return fileName.endsWith(SUFFIX) ? fileName.substring(0, fileName.length() - SUFFIX.length()) : fileName;
    }

    /** Before the routes run a letter from {@code replay/} (file name only): false when another instance holds it. */
    boolean claim(String fileName) {
        return shared == null || fileName == null || shared.claim(idOf(fileName));
    }

    /** After the routes ran a replayed letter: in cluster mode it leaves the shared letters. */
    void replayed(String fileName) {
        if (shared != null && fileName != null) {
            shared.replayed(idOf(fileName));
        }
    }

    /** The replay failed without a new letter: in cluster mode the letter stays, to be replayed again. */
    void release(String fileName) {
        if (shared != null && fileName != null) {
            shared.release(idOf(fileName));
        }
    }

    /** The endpoint that replays what is moved into {@code replay/}. */
    String replayUri() {
        return "file:" + folder.resolve(REPLAY) + "?delete=true&moveFailed=../replay-failed"
                // Polled at once: Camel reports the consumer (and so readiness) DOWN until its first poll.
                + "&initialDelay=0";
    }

    /** {@code <when>-<exchange id>.<appId>.json}: the account is kept with the message, so a replay is its. */
    String fileName(String exchangeId, String appId) {
        return FAILED_AT.format(clock.instant()) + '-' + exchangeId + '.' + appId + SUFFIX;
    }

    /**
     * The account a letter's id or file name names; the default account for a letter written before accounts
     * were named (no AppId holds a dot, and the time and exchange id have none).
     */
    public String appIdOf(String fileName) {
        String base = idOf(fileName);
        int dot = base.lastIndexOf('.');
        return dot < 0 ? defaultAppId : base.substring(dot + 1);
    }

    /** The letters waiting in the folder (in cluster mode: the cluster's), oldest first. */
    public List<Letter> list() throws IOException {
        List<Letter> letters = new ArrayList<>();
        if (shared != null) {
            shared.all().forEach((id, json) -> letters.add(new Letter(id, appIdOf(id), json)));
            return letters;
        }
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().forEach(f -> {
                    String name = f.getFileName().toString();
                    letters.add(new Letter(idOf(name), appIdOf(name), readQuietly(f)));
                });
            }
        }
        return letters;
    }

    /**
     * Hands a letter to the replay folder.
     *
     * @return false when there is no letter with that id
     */
    public boolean replay(String id) throws IOException {
        // Ids are file names: nothing that could step out of the folder.
        if (!id.matches("[A-Za-z0-9._-]{1,120}")) {
            return false;
        }
        if (shared != null) {
            Optional<String> json = shared.take(id);
            if (json.isEmpty()) {
                return false;
            }
            // Written whole, then moved in, so the replay consumer never reads half a letter.
            try {
                Path replayFolder = Files.createDirectories(folder.resolve(REPLAY));
                Path part = Files.writeString(replayFolder.resolve("." + id + SUFFIX + ".part"), json.get());
                Files.move(part, replayFolder.resolve(id + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                shared.release(id);
                throw e;
            }
            return true;
        }
        Path letter = folder.resolve(id + SUFFIX);
        if (!Files.exists(letter)) {
            return false;
        }
        Path replayFolder = Files.createDirectories(folder.resolve(REPLAY));
        Files.move(letter, replayFolder.resolve(letter.getFileName()));
        return true;
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return null;
        }
    }
}
