package io.wxgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.wxgate.crypto.WeChatCipher;
import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.token.AccessTokens;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One running gateway shared by the integration tests: real Jetty on a free port, real crypto, the shipped
 * routes (copied, so a reload test can edit them) plus the test routes in src/test/resources/test-routes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false)
public abstract class GatewayTest {

    public static final String APP_ID = "wxtestapp0000001";
    public static final String TOKEN = "test-callback-token";
    public static final String AES_KEY = "Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZmdoaWp";
    /** Low enough for a throttle test to observe. */
    public static final int SUBSCRIBE_RATE = 5;
    public static final Path ROUTES = Path.of("target/test-routes");
    public static final Path DATA = Path.of("target/test-data", UUID.randomUUID().toString());
    public static final int PORT = freePort();
    public static final String API_KEY = "test-api-key-9f8e7d";
    public static final String APP_SECRET = "test-app-secret-0123456789";
    /**
     * A second official account from the accounts file (SPEC §7), known to the simulator too: its own AppSecret,
     * callback Token, EncodingAESKey and an API key that may act on it only.
     */
    public static final String SECOND_APP_ID = "wxtestapp0000002";
    public static final String SECOND_SECRET = "test-second-secret-9876543210";
    public static final String SECOND_TOKEN = "test-second-callback-token";
    public static final String SECOND_AES_KEY = "c2Vjb25kQWNjb3VudEtleTAxMjM0NTY3ODlhYmNkZWZ";
    public static final String SECOND_API_KEY = "test-second-api-key-1a2b3c";
    public static final Path ACCOUNTS_FILE = DATA.resolveSibling(DATA.getFileName() + "-accounts.yaml");
    /** The menu files of the default and the second account (MenuAsCodeTest writes them; absent: no menu). */
    public static final Path MENU_FILE = DATA.resolveSibling(DATA.getFileName() + "-menu.yaml");
    public static final Path SECOND_MENU_FILE = DATA.resolveSibling(DATA.getFileName() + "-menu-2.yaml");
    /** WeChat's API side; the gateway reaches it through RELAY first, then directly (failover order). */
    public static final WeChatApiSimulator SIMULATOR = WeChatApiSimulator.start(APP_ID, APP_SECRET)
            .addAccount(SECOND_APP_ID, SECOND_SECRET);
    public static final TcpRelay RELAY = new TcpRelay(SIMULATOR.port());
    public static final DownstreamServer DOWNSTREAM = DownstreamServer.start();
    /** Accepts and never answers; at most SILENT_CONNECTIONS calls of a route may wait on it at once. */
    public static final SilentServer SILENT = SilentServer.start();
    public static final int SILENT_CONNECTIONS = 2;

    static {
        copyShippedRoutes();
        writeAccountsFile();
    }

    @Autowired
    protected TestRecorder recorder;
    @Autowired
    protected AccessTokens tokens;

    protected final CallbackDriver driver = new CallbackDriver(
            URI.create("http://127.0.0.1:" + PORT + "/wechat/callback"), TOKEN, new WeChatCipher(AES_KEY, APP_ID));

    /**
     * A WeChat that has forgotten every token, send and fault. The tokens the gateway holds are then ones WeChat
     * refuses, so they are dropped the way any refused token is (compare-and-invalidate): the next send fetches
     * afresh. Asked from the gateway, not the simulator: other gateways (CrashTest, ClusterTest) take tokens from it
     * too.
     */
    protected void resetWeChat() {
        Map<String, String> held = new HashMap<>();
        for (String appId : List.of(APP_ID, SECOND_APP_ID)) {
            try {
                held.put(appId, tokens.of(appId).current().value());
            } catch (RuntimeException refused) {
                // The previous test left WeChat refusing token fetches: the gateway holds none.
            }
        }
        SIMULATOR.reset();
        held.forEach((appId, token) -> tokens.of(appId).invalidate(token));
    }

    @DynamicPropertySource
    static void gatewaySettings(DynamicPropertyRegistry registry) {
        registry.add("gateway.http-host", () -> "127.0.0.1");
        registry.add("gateway.http-port", () -> PORT);
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("wechat.app-id", () -> APP_ID);
        registry.add("wechat.token", () -> TOKEN);
        registry.add("wechat.encoding-aes-key", () -> AES_KEY);
        registry.add("wechat.inbound.endpoint", () -> "direct:test-dispatch");
        registry.add("wechat.app-secret", () -> APP_SECRET);
        registry.add("wechat.accounts.file", ACCOUNTS_FILE::toString);
        registry.add("wechat.menu.file", MENU_FILE::toString);
        registry.add("wechat.menu.poll-interval", () -> "200ms");
        registry.add("gateway.api-key", () -> API_KEY);
        registry.add("wechat.api-base-url", () -> "http://127.0.0.1:" + RELAY.port() + ",http://127.0.0.1:" + SIMULATOR.port());
        registry.add("wechat.send.backoff.initial-delay", () -> "50ms");
        registry.add("wechat.send.backoff.max-delay", () -> "400ms");
        registry.add("wechat.send.fallback-templates[tmpl-retired]", () -> "tmpl-current");
        registry.add("wechat.send.custom-fallback-template", () -> "tmpl-notice");
        registry.add("wechat.send.rate-per-second.subscribe", () -> SUBSCRIBE_RATE);
        registry.add("wechat.inbound.threads", () -> 8);
        registry.add("wechat.queue.consumers", () -> 8);
        registry.add("camel.main.routes-include-pattern",
                () -> "file:" + ROUTES + "/*.camel.yaml,classpath:test-routes/*.camel.yaml");
        registry.add("camel.main.routes-reload-directory", ROUTES::toString);
        registry.add("test.downstream-port", DOWNSTREAM::port);
        registry.add("test.silent-port", SILENT::port);
        registry.add("routes.http.max-connections-per-endpoint", () -> SILENT_CONNECTIONS);
    }

    private static void writeAccountsFile() {
        try {
            Files.createDirectories(ACCOUNTS_FILE.getParent());
            Files.writeString(ACCOUNTS_FILE, "- app-id: " + SECOND_APP_ID + "\n  app-secret: " + SECOND_SECRET
                    + "\n  token: " + SECOND_TOKEN + "\n  encoding-aes-key: " + SECOND_AES_KEY
                    + "\n  api-key: " + SECOND_API_KEY + "\n  menu-file: " + SECOND_MENU_FILE + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyShippedRoutes() {
        try {
            Files.createDirectories(ROUTES);
            try (Stream<Path> files = Files.list(Path.of("routes"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, ROUTES.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        return FreePorts.take();
    }
}
