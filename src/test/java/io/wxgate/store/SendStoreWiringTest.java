package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import io.wxgate.testkit.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * The embedded default keeps its send records in its own SQLite file under gateway.data-dir: not through a Spring
 * DataSource, which belongs to the integrators' SQL routes and their spring.datasource.* settings.
 */
class SendStoreWiringTest extends GatewayTest {

    @Autowired
    ApplicationContext context;
    @Autowired
    SendStore store;

    @Test
    void theEmbeddedStoreIsOneSqliteFileOfTheDataDirectoryAndNoDataSource() {
        assertThat(store).isInstanceOf(SqliteSendStore.class);
        assertThat(context.getBeansOfType(DataSource.class)).isEmpty();
        assertThat(DATA.resolve(SqliteSendStore.FILE)).isRegularFile();
    }
}
