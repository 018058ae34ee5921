package io.wxgate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §7: with the shipped poll interval, an account added to the file is served within 10 s, by itself. */
class AccountsPollingTest {

    @TempDir
    Path dir;

    @Test
    void anAddedAccountIsInForceWithinTenSecondsWithoutAnyCall() throws Exception {
        Path file = dir.resolve("accounts.yaml");
        try (Accounts accounts = new Accounts(new Account("wxdefault", "s", "t", "", "", false, ""), file,
                Duration.ofSeconds(2), "")) {
            accounts.start();

            Files.writeString(file, "- {app-id: wx1, app-secret: s1, token: t1}\n");

            await().atMost(Duration.ofSeconds(10)).until(() -> accounts.find("wx1").isPresent());
            assertThat(accounts.snapshot().byAppId().values()).hasSize(2);
        }
    }
}
