package io.wxgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A bad gateway.broker setting stops start-up naming the key, never showing the password. */
class GatewayPropertiesTest {

    @Test
    void listeningNeedsAUserAndAPasswordAndAHostAndPort() {
        assertThatThrownBy(() -> new GatewayProperties.Broker("0.0.0.0:61616", "", "pw"))
                .hasMessageContaining("gateway.broker.user");
        assertThatThrownBy(() -> new GatewayProperties.Broker("0.0.0.0:61616", "erp", null))
                .hasMessageContaining("gateway.broker.password");
        for (String listen : new String[] {"61616", "tcp://h:1", "h:70000", "h :1"}) {
            assertThatThrownBy(() -> new GatewayProperties.Broker(listen, "erp", "pw")).as(listen)
                    .hasMessageContaining("gateway.broker.listen");
        }
        assertThatThrownBy(() -> new GatewayProperties.Broker("0.0.0.0:61616", "wxgate-gateway", "pw"))
                .hasMessageContaining("gateway.broker.user");
        assertThat(new GatewayProperties.Broker("[::1]:61616", "erp", "pw").listening()).isTrue();
        assertThat(new GatewayProperties.Broker(null, null, null).listening()).isFalse();
    }

    @Test
    void toStringShowsNoPassword() {
        assertThat(new GatewayProperties.Broker("127.0.0.1:61616", "erp", "s3cret-broker").toString())
                .contains("erp").doesNotContain("s3cret-broker");
    }
}
