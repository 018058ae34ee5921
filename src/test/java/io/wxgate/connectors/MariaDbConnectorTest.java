package io.wxgate.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MySQL/MariaDB driver and the pool of application.yaml: a gateway process whose DATASOURCE_URL names the
 * machine's MariaDB, a sql: route inserting the message by WeChat's field names, the row in MariaDB.
 */
class MariaDbConnectorTest {

    private static final ConnectorGateway GATEWAY = new ConnectorGateway();
    private static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/test";
    private static final String TABLE = "wxgate_test_" + GATEWAY.run;

    @BeforeAll
    static void startGateway() throws Exception {
        try (Connection db = mariadb(); Statement sql = db.createStatement()) {
            sql.execute("create table " + TABLE + " (openid varchar(64) not null, content text, "
                    + "msgtype varchar(16) not null, event_key varchar(64), create_time bigint not null) "
                    + "character set utf8mb4");
        }
        GATEWAY.start(Map.of("DATASOURCE_URL", MARIADB, "DATASOURCE_USERNAME", "root"));
    }

    @AfterAll
    static void stopGateway() throws Exception {
        GATEWAY.close();
        try (Connection db = mariadb(); Statement sql = db.createStatement()) {
            sql.execute("drop table if exists " + TABLE);
        }
    }

    @Test
    void aMessageIsInsertedIntoAMariaDbTableByFieldName() throws Exception {
        String user = Samples.user();

        HttpResponse<String> answer = GATEWAY.driver.send(GATEWAY.driver.delivery(Mode.PLAIN,
                Samples.text(user, "mariadb 你好", Samples.newMsgId())));

        // The reply says "inserted" once the row is in, unless the deadline answered first (a busy machine).
        assertThat(answer.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> row(user) != null);
        Map<String, Object> row = row(user);
        assertThat(row).containsEntry("content", "mariadb 你好").containsEntry("msgtype", "text");
        assertThat(row.get("event_key")).as("a field the message lacks is NULL").isNull();
        assertThat((Long) row.get("create_time")).isPositive();
    }

    private static Map<String, Object> row(String openid) throws Exception {
        try (Connection db = mariadb(); PreparedStatement row = db.prepareStatement(
                "select content, msgtype, event_key, create_time from " + TABLE + " where openid = ?")) {
            row.setString(1, openid);
            try (ResultSet found = row.executeQuery()) {
                if (!found.next()) {
                    return null;
                }
                Map<String, Object> columns = new HashMap<>();
                columns.put("content", found.getString("content"));
                columns.put("msgtype", found.getString("msgtype"));
                columns.put("event_key", found.getString("event_key"));
                columns.put("create_time", found.getLong("create_time"));
                return columns;
            }
        }
    }

    private static Connection mariadb() throws Exception {
        return DriverManager.getConnection(MARIADB, "root", "");
    }
}
