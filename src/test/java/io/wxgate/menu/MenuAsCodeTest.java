package io.wxgate.menu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.message.Json;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.GatewayTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8, menu as code: the running gateway publishes each account's menu file when it appears or changes, only when
 * it differs from WeChat's menu, and keeps the previous menu when WeChat refuses a new one.
 */
class MenuAsCodeTest extends GatewayTest {

    private static final String CREATE = "/cgi-bin/menu/create";
    /** Several checks of the 200 ms poll: long enough for a change to be seen and acted on. */
    private static final Duration SETTLE = Duration.ofMillis(1500);

    private static String menu(String key) {
        return "button:\n  - type: click\n    name: 今日\n    key: " + key + "\n  - type: view\n    name: 官网\n"
                + "    url: https://www.example.com/" + key + "\n";
    }

    private static void write(Path file, String text) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(next, text);
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonNode expected(String key) throws Exception {
        return Json.MAPPER.readTree("{\"button\":[{\"type\":\"click\",\"name\":\"今日\",\"key\":\"" + key + "\"},"
                + "{\"type\":\"view\",\"name\":\"官网\",\"url\":\"https://www.example.com/" + key + "\"}]}");
    }

    private static void awaitMenu(String appId, String key) throws Exception {
        JsonNode wanted = expected(key);
        await().atMost(Duration.ofSeconds(20)).until(() -> wanted.equals(SIMULATOR.menuOf(appId)));
    }

    /** Given a WeChat that forgot everything, the default account's file written and published: its menu's key. */
    private String aPublishedMenu(String prefix) throws Exception {
        resetWeChat();
        String key = prefix + System.nanoTime();
        write(MENU_FILE, menu(key));
        awaitMenu(APP_ID, key);
        return key;
    }

    @AfterEach
    void removeMenuFiles() throws Exception {
        Files.deleteIfExists(MENU_FILE);
        Files.deleteIfExists(SECOND_MENU_FILE);
    }

    @Test
    void aMenuFileIsPublishedOnceAndAgainOnlyWhenItsMenuChanges() throws Exception {
        String key = aPublishedMenu("K");
        assertThat(SIMULATOR.menuCreates(APP_ID)).isEqualTo(1);

        // The same menu written differently (flow style, a comment): WeChat already shows it, nothing is sent.
        write(MENU_FILE, "# the same menu\nbutton:\n  - {type: click, name: 今日, key: " + key + "}\n"
                + "  - {type: view, name: 官网, url: \"https://www.example.com/" + key + "\"}\n");
        CallbackDriver.sleep(SETTLE);
        assertThat(SIMULATOR.menuCreates(APP_ID)).isEqualTo(1);

        write(MENU_FILE, menu(key + "-2"));
        awaitMenu(APP_ID, key + "-2");
        assertThat(SIMULATOR.menuCreates(APP_ID)).isEqualTo(2);
    }

    @Test
    void aMenuWeChatRefusesLeavesThePreviousOneAndIsNotTriedAgainUntilTheFileChanges() throws Exception {
        String key = aPublishedMenu("R");
        SIMULATOR.failNext(CREATE, 1, 40018);

        write(MENU_FILE, menu(key + "-refused"));
        await().atMost(Duration.ofSeconds(20)).until(() -> SIMULATOR.calls(CREATE).size() == 2);
        CallbackDriver.sleep(SETTLE);

        assertThat(SIMULATOR.calls(CREATE)).hasSize(2);
        assertThat(SIMULATOR.menuOf(APP_ID)).isEqualTo(expected(key));
    }

    @Test
    void aFileWeChatWouldRefuseIsNeverSent() throws Exception {
        String key = aPublishedMenu("B");

        write(MENU_FILE, "button:\n" + "  - {type: click, name: a, key: a}\n".repeat(4));
        CallbackDriver.sleep(SETTLE);

        assertThat(SIMULATOR.calls(CREATE)).hasSize(1);
        assertThat(SIMULATOR.menuOf(APP_ID)).isEqualTo(expected(key));
    }

    @Test
    void aTokenWeChatNoLongerTakesIsReplacedAndTheMenuStillPublished() throws Exception {
        String key = aPublishedMenu("T");
        SIMULATOR.invalidateToken();

        write(MENU_FILE, menu(key + "-2"));

        awaitMenu(APP_ID, key + "-2");
    }

    @Test
    void eachAccountPublishesItsOwnMenuFile() throws Exception {
        resetWeChat();
        String key = "S" + System.nanoTime();
        write(SECOND_MENU_FILE, menu(key));

        awaitMenu(SECOND_APP_ID, key);
        assertThat(SIMULATOR.menuOf(APP_ID)).isNull();
        assertThat(SIMULATOR.menuCreates(APP_ID)).isZero();
    }
}
