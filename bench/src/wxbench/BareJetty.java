package wxbench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The yardstick of every report (issue 16): a bare Jetty handler on the gateway's own Jetty, which reads each body
 * and answers {@code 200 success}, no parsing, no crypto, nothing kept. Measured with the same driver, connections
 * and window as the gateway in the same run, it is what this machine and harness allow at most; the gateway's rate is
 * reported as a share of it. {@code java -cp <gateway runtime classpath>:bench/target/classes wxbench.BareJetty port}.
 */
public final class BareJetty {

    private static final ByteBuffer SUCCESS = ByteBuffer.wrap("success".getBytes(StandardCharsets.US_ASCII))
            .asReadOnlyBuffer();

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Source.consumeAll(request, Callback.from(() -> {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, SUCCESS.remaining());
                    response.write(true, SUCCESS.slice(), callback);
                }, callback::failed));
                return true;
            }
        });
        server.start();
        System.out.println("bare jetty listening on " + connector.getLocalPort());
        server.join();
    }
}
