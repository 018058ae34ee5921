package floor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Spring Boot with Spring MVC on Tomcat (server.port) and one handler: WeChat's signed GET. */
@SpringBootApplication
@RestController
public class BootFloor {

    public static void main(String[] args) {
        SpringApplication.run(BootFloor.class, args);
    }

    @GetMapping("/wechat/callback")
    String verify(@RequestParam String signature, @RequestParam String timestamp, @RequestParam String nonce,
            @RequestParam String echostr) {
        return Signature.echo(signature, timestamp, nonce, echostr);
    }
}
