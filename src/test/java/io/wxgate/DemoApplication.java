package io.wxgate;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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

    private DemoApplication() {
    }

    public static void main(String[] args) {
        List<String> settings = new ArrayList<>(List.of(args));
        String appId = System.getenv().getOrDefault("WECHAT_APP_ID", "wx0000000000demo");
        String secret = System.getenv().getOrDefault("WECHAT_APP_SECRET", "demo-app-secret");
        WeChatApiSimulator wechat = WeChatApiSimulator.start(appId, secret);
        wechat.openEveryWindow(true);
        settings.add("--wechat.api-base-url=" + wechat.baseUrl());
        if (System.getenv("GATEWAY_API_KEY") == null) {
            settings.add("--gateway.api-key=" + DEMO_API_KEY);
        }
        ConfigurableApplicationContext gateway = SpringApplication.run(WxGateApplication.class,
                settings.toArray(String[]::new));
        Environment env = gateway.getEnvironment();
        reportDeliveries(wechat, URI.create("http://127.0.0.1:" + env.getProperty("gateway.http-port") + "/wechat/callback"),
                env.getProperty("wechat.token"));
        System.out.printf("%n  wxgate demo: gateway on :%s, WeChat API simulator on %s, API key '%s'%n"
                + "  Try the commands of the README's \"Try it without a WeChat account\".%n%n",
                env.getProperty("gateway.http-port"), wechat.baseUrl(), env.getProperty("gateway.api-key"));
    }

    private static void reportDeliveries(WeChatApiSimulator wechat, URI callback, String token) {
        CallbackDriver pusher = new CallbackDriver(callback, token, null);
        Set<Long> reported = new HashSet<>();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-wechat-reports");
            t.setDaemon(true);
            return t;
        });
        reporter.scheduleWithFixedDelay(() -> {
            try {
                for (WeChatApiSimulator.Delivery d : wechat.deliveries("template")) {
                    if (reported.add(d.msgid())) {
                        pusher.send(pusher.delivery(Mode.PLAIN, Samples.templateSendJobFinish(d.touser(), d.msgid(), "success")));
                    }
                }
            } catch (RuntimeException e) {
                System.err.println("demo: could not report a delivery: " + e.getMessage());
            }
        }, 1, 1, TimeUnit.SECONDS);
    }
}
