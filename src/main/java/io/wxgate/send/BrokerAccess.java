package io.wxgate.send;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import javax.security.auth.Subject;

import io.wxgate.config.GatewayProperties;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

/**
 * Who may do what on the embedded broker once other systems reach it ({@code gateway.broker.listen}): the gateway's
 * own connections anything, as without security; a system that logs in with {@code gateway.broker.user} and its
 * password may send to the three send queues (SPEC §5) and read the inbound forward queue ({@code wechat.inbound},
 * what the shipped forward route fills), and nothing else: no other queue, no queue made or removed, no management.
 *
 * <p>The gateway logs in too, as {@link #GATEWAY_USER} with a password made at start-up and known only to this
 * process: Artemis caches a log-in by user and password, not by connection, so the gateway must never log in as an
 * anonymous remote client would. Rights hang on a mark among the subject's private credentials, which no log-in name
 * can take (Artemis accepts only its own principal classes).
 * Passwords are compared in constant time.
 */
final class BrokerAccess implements ActiveMQSecurityManager5 {

    static final String GATEWAY_USER = GatewayProperties.Broker.GATEWAY_BROKER_USER;
    private static final Set<String> SEND_QUEUES = Set.of("wechat.send.template", "wechat.send.custom",
            "wechat.send.subscribe");
    private static final String INBOUND_QUEUE = "wechat.inbound";

    /** Marks the gateway's own connections. */
    private static final Object GATEWAY = new Object();
    /** Marks a system that logged in with gateway.broker.user. */
    private static final Object CLIENT = new Object();

    private final String user;
    private final byte[] password;
    private final String gatewayPassword;

    BrokerAccess(String user, String password) {
        this.user = user;
        this.password = password.getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.gatewayPassword = Base64.getEncoder().encodeToString(random);
    }

    /** What the gateway's own connection factory logs in with. */
    String gatewayPassword() {
        return gatewayPassword;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        byte[] presented = password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8);
        if (GATEWAY_USER.equals(user)) {
            return MessageDigest.isEqual(gatewayPassword.getBytes(StandardCharsets.UTF_8), presented)
                    ? subject(user, GATEWAY) : null;
        }
        return this.user.equals(user) && MessageDigest.isEqual(this.password, presented)
                ? subject(user, CLIENT) : null;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null) {
            return false;
        }
        if (subject.getPrivateCredentials().contains(GATEWAY)) {
            return true;
        }
        if (!subject.getPrivateCredentials().contains(CLIENT)) {
            return false;
        }
        String queue = address == null ? "" : address.contains("::") ? address.substring(0, address.indexOf("::"))
                : address;
        return switch (checkType) {
            case SEND -> SEND_QUEUES.contains(queue);
            case CONSUME, BROWSE -> queue.equals(INBOUND_QUEUE);
            default -> false;
        };
    }

    /** Only authenticate and authorize are asked once the broker runs with this manager. */
    @Override
    public boolean validateUser(String user, String password) {
        return authenticate(user, password, null, null) != null;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return false;
    }

    private static Subject subject(String user, Object mark) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        subject.getPrivateCredentials().add(mark);
        return subject;
    }
}
