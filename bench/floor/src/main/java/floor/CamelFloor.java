package floor;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/** Spring Boot and Camel, one route on camel-jetty (server.port) answering WeChat's signed GET. */
@SpringBootApplication
public class CamelFloor {

    public static void main(String[] args) {
        SpringApplication.run(CamelFloor.class, args);
    }

    @Component
    static class Callback extends RouteBuilder {

        @Override
        public void configure() {
            from("jetty:http://127.0.0.1:{{server.port}}/wechat/callback").process(exchange -> {
                var in = exchange.getMessage();
                in.setBody(Signature.echo(in.getHeader("signature", String.class),
                        in.getHeader("timestamp", String.class), in.getHeader("nonce", String.class),
                        in.getHeader("echostr", String.class)));
            });
        }
    }
}
