package io.wxgate.menu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.account.Account;
import io.wxgate.account.Accounts;
import io.wxgate.message.Json;
import io.wxgate.send.WeChatCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Menu as code (SPEC §8): each account's menu file is published with {@code menu/create} when the gateway starts and
 * whenever the file changes, only when it differs from what WeChat shows ({@code menu/get}): a restart, or another
 * instance of a cluster that already published it, changes nothing. A file that does not parse, or a menu WeChat
 * refuses, is logged (with WeChat's errcode) and the previous menu stays; the same content is not tried again until
 * the file changes. A call that fails on the way (WeChat unreachable) is tried again at the next check.
 *
 * <p>The default account's file is {@code wechat.menu.file}; an account of the accounts file names its own with
 * {@code menu-file}. An account without a file, or whose file does not exist, keeps whatever menu it has.
 */
public final class MenuPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(MenuPublisher.class);

    /** The file and its text last settled for an account: published, found already published, or refused. */
    private record Settled(String file, String text) {
    }

    private final Accounts accounts;
    private final WeChatCalls calls;
    private final MenuProperties menu;
    private final Map<String, Settled> settled = new ConcurrentHashMap<>();

    public MenuPublisher(Accounts accounts, WeChatCalls calls, MenuProperties menu) {
        this.accounts = accounts;
        this.calls = calls;
        this.menu = menu;
    }

    /** Every account's menu file, checked once; the route's timer calls it. */
    public void publishChanged() {
        Accounts.Snapshot snapshot = accounts.snapshot();
        settled.keySet().retainAll(snapshot.byAppId().keySet());
        for (Account account : snapshot.byAppId().values()) {
            String file = account.appId().equals(snapshot.defaultAccount().appId()) ? menu.file() : account.menuFile();
            if (!file.isEmpty()) {
                check(account, file);
            }
        }
    }

    private void check(Account account, String file) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException absent) {
            return;
        } catch (IOException e) {
            LOG.warn("Menu of {}: cannot read {}: {}", account.appId(), file, e.toString());
            return;
        }
        Settled now = new Settled(file, text);
        if (now.equals(settled.get(account.appId()))) {
            return;
        }
        ObjectNode wanted;
        try {
            wanted = MenuFile.parse(text, file);
        } catch (IllegalArgumentException e) {
            LOG.warn("Menu of {} not published, the previous one stays: {}", account.appId(), e.getMessage());
            settled.put(account.appId(), now);
            return;
        }
        JsonNode shown = call(account, "GET", "/cgi-bin/menu/get", null);
        if (shown == null) {
            return;
        }
        if (wanted.equals(MenuFile.published(shown))) {
            LOG.info("Menu of {} from {} is already WeChat's", account.appId(), file);
            settled.put(account.appId(), now);
            return;
        }
        JsonNode answer = call(account, "POST", "/cgi-bin/menu/create", wanted.toString());
        if (answer == null) {
            return;
        }
        int errcode = answer.path("errcode").asInt(0);
        if (errcode == 0) {
            LOG.info("Menu of {} published from {}", account.appId(), file);
        } else {
            LOG.warn("Menu of {} from {} refused by WeChat, errcode {} ({}); the previous menu stays", account.appId(),
                    file, errcode, answer.path("errmsg").asText(""));
        }
        settled.put(account.appId(), now);
    }

    /** WeChat's JSON answer, null when it could not be had (tried again at the next check). */
    private JsonNode call(Account account, String method, String path, String body) {
        try {
            JsonNode answer = calls.call(account, method, path, "", "application/json; charset=UTF-8",
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8));
            if (answer.path("errcode").asInt(0) == 46003 && path.endsWith("/get")) {
                return Json.MAPPER.createObjectNode(); // no menu yet
            }
            return answer;
        } catch (RuntimeException e) {
            LOG.warn("Menu of {}: {} failed, tried again at the next check: {}", account.appId(), path, e.toString());
            return null;
        }
    }
}
