package io.wxgate.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.wxgate.testkit.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The DataSource of sql: routes exists only when spring.datasource.url is set, binds Boot's keys, and connects only
 * when a connection is asked for. Against the machine's MariaDB (root, empty password, database test).
 */
class DataSourceConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(DataSourceConfiguration.class);

    @Test
    void withoutAUrlThereIsNoDataSource() {
        // application.yaml's default: DATASOURCE_URL unset gives an empty URL
        context.withPropertyValues("spring.datasource.url=", "spring.datasource.username=")
                .run(started -> {
                    assertThat(started).hasNotFailed();
                    assertThat(started).doesNotHaveBean(DataSource.class);
                });
    }

    @Test
    void bootsOwnDataSourceAutoConfigurationWouldFailWithoutAUrl() {
        // Why WxGateApplication excludes it: with HikariCP on the classpath it makes a pool anyway.
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=")
                .run(started -> assertThat(started).getFailure()
                        .hasStackTraceContaining("Failed to determine a suitable driver class"));
    }

    @Test
    void aMariaDbUrlGivesAPoolOnTheMariaDbDriverWithTheSettingsOfApplicationYaml() {
        context.withPropertyValues("spring.datasource.url=jdbc:mariadb://127.0.0.1:3306/test",
                        "spring.datasource.username=root", "spring.datasource.password=",
                        "spring.datasource.hikari.maximum-pool-size=3",
                        "spring.datasource.hikari.connection-timeout=3000")
                .run(started -> {
                    HikariDataSource pool = started.getBean(HikariDataSource.class);
                    assertThat(pool.getDriverClassName()).isEqualTo("org.mariadb.jdbc.Driver");
                    assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
                    assertThat(pool.getConnectionTimeout()).isEqualTo(3000);
                    assertThat(pool.isRunning()).as("no pool before the first connection").isFalse();
                    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                         ResultSet r = s.executeQuery("select 1")) {
                        assertThat(r.next()).isTrue();
                    }
                });
    }

    @Test
    void aDatabaseThatIsDownFailsOnlyTheConnectionAskedForWithinTheConnectionTimeout() {
        int closed = GatewayProcess.freePort();
        context.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:" + closed + "/nothing",
                        "spring.datasource.hikari.connection-timeout=1000")
                .run(started -> {
                    assertThat(started).hasNotFailed();
                    HikariDataSource pool = started.getBean(HikariDataSource.class);
                    assertThat(pool.getDriverClassName()).isEqualTo("org.postgresql.Driver");
                    long start = System.nanoTime();
                    assertThatThrownBy(pool::getConnection).isInstanceOf(SQLException.class);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                });
    }
}
