package io.wxgate.connectors;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The database of the integrators' {@code sql:} routes: a HikariCP pool on {@code spring.datasource.*}, made only
 * when {@code spring.datasource.url} is set (DATASOURCE_URL). The gateway itself needs no database, and Boot's own
 * DataSource auto-configuration (excluded in WxGateApplication) would make one anyway and fail on first use without
 * a URL ("Failed to determine a suitable driver class") — for instance when the health endpoint asked for it.
 *
 * <p>Nothing connects at start-up: the bean is made when a {@code sql:} endpoint first asks the registry for a
 * DataSource (camel-sql autowires the only one there is), and Hikari opens its pool on the first connection asked
 * for. A database that is down therefore fails the messages that reach a {@code sql:} step (they become dead
 * letters), never the gateway's start or its health.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DataSourceConfiguration.UrlSet.class)
@EnableConfigurationProperties(DataSourceProperties.class)
public class DataSourceConfiguration {

    static final String URL = "spring.datasource.url";

    /** As Boot's DataSourceConfiguration.Hikari: the driver follows from the URL, pool settings bind from hikari.*. */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DataSourceProperties properties) {
        HikariDataSource pool = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        if (StringUtils.hasText(properties.getName())) {
            pool.setPoolName(properties.getName());
        }
        return pool;
    }

    /** application.yaml sets the URL to an empty DATASOURCE_URL by default: empty counts as not set. */
    static final class UrlSet extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return StringUtils.hasText(context.getEnvironment().getProperty(URL))
                    ? ConditionOutcome.match(URL + " is set")
                    : ConditionOutcome.noMatch(URL + " is empty: no DataSource");
        }
    }
}
