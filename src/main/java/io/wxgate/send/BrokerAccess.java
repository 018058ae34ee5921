package io.wxgate.send;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnection;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

/**
 * Who may do what on the embedded broker once other systems reach it ({@code gateway.broker.listen}): the gateway's
 * own in-VM connections anything, as without security; a system that logs in with {@code gateway.broker.user} and its
 * password may send to the send queues ({@code wechat.send.*}, SPEC §5) and read the inbound forward queue
 * ({@code wechat.inbound}, what the shipped forward route fills), and nothing else: no other queue, no queue made or
 * removed, no management. Passwords are compared in constant time.
 */
final class BrokerAccess implements ActiveMQSecurityManager5 {

    private static final String GATEWAY = "wxgate";
    private static final String SEND_QUEUES = "wechat.send.";
    private static final String INBOUND_QUEUE = "wechat.inbound";

    private final String user;
    private final byte[] password;

    BrokerAccess(String user, String password) {
        this.user = user;
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        if (connection != null && connection.getTransportConnection() instanceof InVMConnection) {
            return subject(GATEWAY);
        }
        byte[] presented = password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8);
        boolean known = this.user.equals(user) & MessageDigest.isEqual(this.password, presented);
        return known ? subject(this.user) : null;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null) {
            return false;
        }
        if (subject.getPrincipals(UserPrincipal.class).stream().anyMatch(p -> GATEWAY.equals(p.getName()))) {
            return true;
        }
        String queue = address == null ? "" : address.contains("::") ? address.substring(0, address.indexOf("::"))
                : address;
        return switch (checkType) {
            case SEND -> queue.startsWith(SEND_QUEUES);
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

    private static Subject subject(String name) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(name));
        return subject;
    }
}
