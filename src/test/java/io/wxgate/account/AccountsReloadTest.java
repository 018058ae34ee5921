package io.wxgate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §7: the accounts file re-read when it changes — rewritten in place, replaced by a rename, swapped through
 * a symlink as Kubernetes mounts do — and a file that does not validate leaves the accounts in force as they were.
 * The polling thread is not started here ({@link Accounts#poll()} is called as it would call it), so each test
 * decides when a look happens; AccountsPollingTest covers the thread.
 */
class AccountsReloadTest {

    private static final Account DEFAULT = new Account("wxdefault", "s", "t", "", "", false, "");
    private static final String ONE = "- {app-id: wx1, app-secret: s1, token: t1}\n";
    private static final String TWO = ONE + "- {app-id: wx2, app-secret: s2, token: t2}\n";

    @TempDir
    Path dir;
    private Accounts accounts;

    @AfterEach
    void close() {
        if (accounts != null) {
            accounts.close();
        }
    }

    private Accounts open(Path file) {
        accounts = new Accounts(DEFAULT, file, Duration.ofSeconds(5), "");
        accounts.load();
        return accounts;
    }

    /** Two looks: the first sees the change, the second that it held still. */
    private boolean settle() {
        boolean first = accounts.poll();
        return accounts.poll() || first;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        // Make the change visible even on a file system with coarse modification times.
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                + (long) (Math.random() * 100_000)));
    }

    @Test
    void anAbsentFileMeansTheDefaultAccountOnly() {
        open(dir.resolve("accounts.yaml"));

        assertThat(accounts.snapshot().byAppId().values()).containsExactly(DEFAULT);
        assertThat(accounts.find("wxdefault")).contains(DEFAULT);
        assertThat(accounts.find("wx1")).isEmpty();
    }

    @Test
    void anAccountAddedChangedAndRemovedInPlaceTakesEffect() throws IOException {
        Path file = dir.resolve("accounts.yaml");
        write(file, ONE);
        open(file);
        List<Accounts.Snapshot> seen = new ArrayList<>();
        accounts.onChange(seen::add);
        assertThat(accounts.find("wx1")).isPresent();

        write(file, TWO);
        assertThat(accounts.poll()).as("a change is applied only once it held still").isFalse();
        assertThat(accounts.poll()).isTrue();
        assertThat(accounts.find("wx2")).isPresent();

        write(file, TWO.replace("t2", "t2-new"));
        assertThat(settle()).isTrue();
        assertThat(accounts.find("wx2").orElseThrow().token()).isEqualTo("t2-new");

        write(file, ONE);
        assertThat(settle()).isTrue();
        assertThat(accounts.find("wx2")).isEmpty();
        assertThat(seen).hasSize(3);
    }

    @Test
    void aFileReplacedByARenameTakesEffect() throws IOException {
        Path file = dir.resolve("accounts.yaml");
        write(file, ONE);
        open(file);

        Path staged = dir.resolve("accounts.yaml.tmp");
        write(staged, TWO);
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        assertThat(settle()).isTrue();
        assertThat(accounts.find("wx2")).isPresent();
    }

    @Test
    void aSymlinkSwappedToANewDirectoryTakesEffect() throws IOException {
        // Kubernetes: accounts.yaml -> ..data/accounts.yaml, ..data -> ..2026_11_25_1; an update swaps ..data.
        Path first = Files.createDirectory(dir.resolve("..2026_11_25_1"));
        Path second = Files.createDirectory(dir.resolve("..2026_11_25_2"));
        Files.writeString(first.resolve("accounts.yaml"), ONE);
        Files.writeString(second.resolve("accounts.yaml"), TWO);
        Path data = Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("accounts.yaml"), Path.of("..data", "accounts.yaml"));
        open(file);
        assertThat(accounts.find("wx2")).isEmpty();

        Path swap = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(swap, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        assertThat(settle()).isTrue();
        assertThat(accounts.find("wx2")).isPresent();
    }

    @Test
    void aFileThatDoesNotValidateLeavesTheAccountsInForce() throws IOException {
        Path file = dir.resolve("accounts.yaml");
        write(file, TWO);
        open(file);
        Accounts.Snapshot before = accounts.snapshot();

        write(file, TWO + "- {app-id: wx3, token: t3}\n");
        assertThat(settle()).isFalse();
        assertThat(accounts.snapshot()).isSameAs(before);

        write(file, TWO + "- {app-id: wx3, app-secret: s3, token: t3}\n");
        assertThat(settle()).as("a fixed file is applied").isTrue();
        assertThat(accounts.find("wx3")).isPresent();
    }

    @Test
    void aDeletedOrEmptiedFileLeavesTheDefaultAccountOnly() throws IOException {
        Path file = dir.resolve("accounts.yaml");
        write(file, TWO);
        open(file);

        write(file, "");
        assertThat(settle()).isTrue();
        assertThat(accounts.snapshot().byAppId().values()).containsExactly(DEFAULT);

        write(file, ONE);
        assertThat(settle()).isTrue();
        Files.delete(file);
        assertThat(settle()).isTrue();
        assertThat(accounts.snapshot().byAppId().values()).containsExactly(DEFAULT);
    }

    @Test
    void aFileThatDoesNotValidateAtStartStopsStartUp() throws IOException {
        Path file = dir.resolve("accounts.yaml");
        write(file, "- {app-id: wx1, token: t}\n");

        assertThatThrownBy(() -> open(file)).isInstanceOf(AccountsFileException.class).hasMessageContaining("app-secret");
        accounts = null;
    }

    @Test
    void theSnapshotAReaderHoldsNeverChangesUnderIt() throws IOException {
        Path file = dir.resolve("accounts.yaml");
        write(file, TWO);
        open(file);
        Accounts.Snapshot held = accounts.snapshot();

        write(file, ONE);
        settle();

        assertThat(held.find("wx2")).isPresent();
        assertThat(accounts.find("wx2")).isEmpty();
    }
}
