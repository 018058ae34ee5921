package io.wxgate.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import javax.sql.DataSource;

import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/** The default set-up names no database: the gateway starts without one, and health is UP without checking one. */
class NoDatabaseTest extends GatewayTest {

    @Autowired
    ApplicationContext context;
    @LocalServerPort
    int managementPort;

    @Test
    void withoutADatabaseThereIsNoDataSourceAndHealthIsUp() {
        assertThat(context.getBeanNamesForType(DataSource.class)).isEmpty();

        HttpResponse<String> health = await().atMost(Duration.ofSeconds(15)).until(() -> driver.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health"))),
                r -> r.body().startsWith("{\"status\":\"UP\""));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(health).get("components").has("db")).isFalse();
    }
}
