package io.wxgate.menu;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.account.Account;
import io.wxgate.account.Accounts;
import io.wxgate.config.SendProperties;
import io.wxgate.message.Json;
import io.wxgate.token.AccessToken;
import io.wxgate.token.AccessTokens;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
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
    private static final String WECHAT_HTTP = "direct:wechat-http";

    /** What was last settled for an account: the file's text, and whether it is WeChat's menu now. */
    private record Settled(String file, String text) {
    }

    private final Accounts accounts;
    private final AccessTokens tokens;
    private final ProducerTemplate producer;
    private final MenuProperties menu;
    private final Set<Integer> tokenErrcodes;
    private final Map<String, Settled> settled = new ConcurrentHashMap<>();

    public MenuPublisher(Accounts accounts, AccessTokens tokens, ProducerTemplate producer, MenuProperties menu,
            SendProperties send) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.producer = producer;
        this.menu = menu;
        this.tokenErrcodes = Set.copyOf(send.errcodes().refreshToken());
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

    /** WeChat's JSON answer; on a token errcode the token is dropped (if still cached) and the call made once more. */
    private JsonNode call(Account account, String method, String path, String body) {
        for (int attempt = 1; ; attempt++) {
            AccessToken token;
            JsonNode answer;
            try {
                token = tokens.of(account).current();
                answer = once(method, path, token.value(), body);
            } catch (RuntimeException e) {
                LOG.warn("Menu of {}: {} failed, tried again at the next check: {}", account.appId(), path,
                        e.toString());
                return null;
            }
            int errcode = answer.path("errcode").asInt(0);
            if (attempt == 1 && tokenErrcodes.contains(errcode)) {
                tokens.of(account).invalidate(token.value());
                continue;
            }
            if (errcode == 46003 && path.endsWith("/get")) {
                return Json.MAPPER.createObjectNode(); // no menu yet
            }
            return answer;
        }
    }

    private JsonNode once(String method, String path, String accessToken, String body) {
        Exchange answer = producer.request(WECHAT_HTTP, e -> {
            var message = e.getMessage();
            message.setHeader(Exchange.HTTP_METHOD, method);
            message.setHeader(Exchange.HTTP_PATH, path);
            message.setHeader(Exchange.HTTP_QUERY, "access_token="
                    + URLEncoder.encode(accessToken, StandardCharsets.UTF_8));
            if (body != null) {
                message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
            }
            message.setBody(body);
        });
        if (answer.getException() != null) {
            throw new IllegalStateException("WeChat unreachable: " + answer.getException().getClass().getSimpleName());
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        byte[] bytes = answer.getMessage().getBody(byte[].class);
        if (status != 200 || bytes == null) {
            throw new IllegalStateException("WeChat answered HTTP " + status);
        }
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("WeChat's answer is not JSON");
        }
    }
}
