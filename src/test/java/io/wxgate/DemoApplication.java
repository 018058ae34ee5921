package io.wxgate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.Samples;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * The newcomer's demo, {@code mvn spring-boot:test-run}: the gateway on its embedded default, talking to the
 * WeChat API simulator instead of WeChat, which also plays WeChat's side of the loop: a second after each
 * template message it delivers, it reports TEMPLATESENDJOBFINISH to the callback, as WeChat does.
 */
public final class DemoApplication {

    static final String DEMO_API_KEY = "demo-key";
    /** The demo's second official account (SPEC §7); the shipped welcome route greets its followers apart. */
    static final String SECOND_APP_ID = "wx2222222222222222";
    static final String SECOND_SECRET = "demo-second-secret";
    static final String SECOND_TOKEN = "demo-second-token";
    static final String SECOND_API_KEY = "demo-second-key";

    private DemoApplication() {
    }

    public static void main(String[] args) {
        List<String> settings = new ArrayList<>(List.of(args));
        String appId = System.getenv().getOrDefault("WECHAT_APP_ID", "wx0000000000demo");
        String secret = System.getenv().getOrDefault("WECHAT_APP_SECRET", "demo-app-secret");
        WeChatApiSimulator wechat = WeChatApiSimulator.start(appId, secret);
        wechat.openEveryWindow(true);
        settings.add("--wechat.api-base-url=" + wechat.baseUrl());
        if (System.getenv("WECHAT_ACCOUNTS_FILE") == null) {
            wechat.addAccount(SECOND_APP_ID, SECOND_SECRET);
            settings.add("--wechat.accounts.file=" + writeSecondAccount());
        }
        if (System.getenv("GATEWAY_API_KEY") == null) {
            settings.add("--gateway.api-key=" + DEMO_API_KEY);
        }
        ConfigurableApplicationContext gateway = SpringApplication.run(WxGateApplication.class,
                settings.toArray(String[]::new));
        Environment env = gateway.getEnvironment();
        String callback = "http://127.0.0.1:" + env.getProperty("gateway.http-port") + "/wechat/callback";
        reportDeliveries(wechat, Map.of(
                appId, new CallbackDriver(URI.create(callback), env.getProperty("wechat.token"), null),
                SECOND_APP_ID, new CallbackDriver(URI.create(callback + "/" + SECOND_APP_ID), SECOND_TOKEN, null)));
        System.out.printf("%n  wxgate demo: gateway on :%s, WeChat API simulator on %s, API key '%s'%n"
                + "  second official account %s (callback Token '%s', its own API key '%s')%n"
                + "  Try the commands of the README's \"Try it without a WeChat account\".%n%n",
                env.getProperty("gateway.http-port"), wechat.baseUrl(), env.getProperty("gateway.api-key"),
                SECOND_APP_ID, SECOND_TOKEN, SECOND_API_KEY);
    }

    private static Path writeSecondAccount() {
        try {
            Path file = Path.of("target", "demo-accounts.yaml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "# The demo's second official account (written by DemoApplication).\n"
                    + "- app-id: " + SECOND_APP_ID + "\n  app-secret: " + SECOND_SECRET + "\n  token: " + SECOND_TOKEN
                    + "\n  api-key: " + SECOND_API_KEY + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** WeChat reports each template send to the callback of the account that sent it, MsgID per account. */
    private static void reportDeliveries(WeChatApiSimulator wechat, Map<String, CallbackDriver> callbacks) {
        Set<String> reported = new HashSet<>();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-wechat-reports");
            t.setDaemon(true);
            return t;
        });
        reporter.scheduleWithFixedDelay(() -> {
            try {
                for (WeChatApiSimulator.Delivery d : wechat.deliveries("template")) {
                    CallbackDriver pusher = callbacks.get(d.appId());
                    if (pusher != null && reported.add(d.appId() + '/' + d.msgid())) {
                        pusher.send(pusher.delivery(Mode.PLAIN, Samples.templateSendJobFinish(d.touser(), d.msgid(), "success")));
                    }
                }
            } catch (RuntimeException e) {
                System.err.println("demo: could not report a delivery: " + e.getMessage());
            }
        }, 1, 1, TimeUnit.SECONDS);
    }
}
