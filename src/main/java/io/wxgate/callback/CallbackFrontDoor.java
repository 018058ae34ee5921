package io.wxgate.callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wxgate.account.Account;
import io.wxgate.account.Accounts;
import io.wxgate.http.Drain;
import io.wxgate.http.UnreadBody;
import io.wxgate.ops.GatewayMetrics;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.component.jetty.JettyHttpEndpoint;
import org.apache.camel.support.service.ServiceHelper;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WeChat's front door on the gateway's Jetty server. Requests for the callback path are taken straight off
 * Jetty's core API, ahead of camel-jetty's servlet layer (which serves the REST API on the same port), and each
 * becomes a bare exchange for the {@code wechat-callback} route: only the {@link CallbackRequest} read here
 * travels on, never an HTTP header, a query parameter or the request stream. The route decides every answer
 * ({@link CallbackAnswer}); this class only writes it, from whichever thread the route finishes on.
 *
 * <p>Why not a {@code jetty:} consumer: at thousands of callbacks a second the servlet request, Camel's HTTP
 * binding (every header copied in, REST path matching, response header filtering) and the servlet's async
 * machinery cost more CPU than verifying, opening, parsing and deduping the message together (bench/README.md).
 */
public final class CallbackFrontDoor extends Handler.Wrapper {

    /** The route the front door feeds; it waits briefly for the route during start-up instead of failing. */
    static final String ROUTE = "direct:wechat-callback";
    private static final String ROUTE_PRODUCER = ROUTE + "?block=true&timeout=2000";
    private static final String TEXT = "text/plain;charset=UTF-8";
    private static final Logger LOG = LoggerFactory.getLogger(CallbackFrontDoor.class);

    private final CamelContext camel;
    private final int port;
    private final String path;
    private final String accountPaths;
    private final Accounts accounts;
    private final long maxBodyBytes;
    private final GatewayMetrics metrics;
    private final Drain drain;
    private volatile AsyncProducer producer;

    public CallbackFrontDoor(CamelContext camel, int port, String path, Accounts accounts, long maxBodyBytes,
            GatewayMetrics metrics, Drain drain) {
        this.camel = camel;
        this.port = port;
        this.path = path;
        this.accountPaths = path + "/";
        this.accounts = accounts;
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
        this.drain = drain;
    }

    /**
     * An {@link org.apache.camel.spi.EndpointStrategy}: joins the Jetty server that camel-jetty runs on the gateway's
     * port, whichever route opens it. camel-jetty wraps the server in the handlers of the endpoints it serves, the
     * last one outermost, so the front door goes last on every jetty endpoint of that port and sees each request
     * before any other handler there (the API's body limit included).
     */
    Endpoint join(String uri, Endpoint endpoint) {
        if (endpoint instanceof JettyHttpEndpoint jetty && jetty.getPort() == port) {
            List<Handler> handlers = jetty.getHandlers() == null ? new ArrayList<>() : new ArrayList<>(jetty.getHandlers());
            if (!handlers.contains(this)) {
                handlers.add(this);
                jetty.setHandlers(handlers);
            }
        }
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        AsyncProducer started = camel.getEndpoint(ROUTE_PRODUCER).createAsyncProducer();
        ServiceHelper.startService(started);
        producer = started;
        super.doStart();
        drain.serving(getServer());
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        ServiceHelper.stopService(producer);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        // Every request on the port, the API's too, is counted until its answer is written (a stop waits for them).
        Drain.Tracked tracked = drain.track(request, response, callback);
        try {
            if (!handleCounted(request, response, tracked)) {
                Response.writeError(request, response, tracked, 404);
            }
            return true;
        } catch (Exception | Error e) {
            tracked.release();
            throw e;
        }
    }

    private boolean handleCounted(Request request, Response response, Callback callback) throws Exception {
        String requested = Request.getPathInContext(request);
        Account account;
        if (path.equals(requested)) {
            account = accounts.defaultAccount();
        } else if (requested.startsWith(accountPaths)) {
            // SPEC §7: /wechat/callback/{appId}, every account's own, the default account's too.
            String appId = requested.substring(accountPaths.length());
            account = accounts.find(appId).orElse(null);
            if (account == null) {
                // Counted as app_id "unknown": the metrics know only the accounts in force.
                refuse(request, response, callback, 404, "no such official account", appId, System.nanoTime());
                return true;
            }
        } else {
            return super.handle(request, response, callback);
        }
        long arrival = System.nanoTime();
        String method = request.getMethod();
        if (!"GET".equals(method) && !"POST".equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, POST");
            refuse(request, response, callback, 405, "only GET and POST are answered here", account.appId(), arrival);
            return true;
        }
        CallbackRequest read;
        try {
            read = CallbackRequest.read(account, method, request.getHttpURI().getQuery(), request.getLength(),
                    Content.Source.asInputStream(request), maxBodyBytes, arrival);
        } catch (CallbackRejectedException e) {
            refuse(request, response, callback, e.status(), e.getMessage(), account.appId(), arrival);
            return true;
        }
        Exchange exchange = producer.getEndpoint().createExchange(ExchangePattern.InOut);
        exchange.setProperty(CallbackRequest.PROPERTY, read);
        producer.process(exchange, doneSync -> answer(exchange, response, callback));
        return true;
    }

    private void answer(Exchange exchange, Response response, Callback callback) {
        try {
            writeAnswer(exchange, response, callback);
        } catch (RuntimeException e) {
            LOG.error("Callback answer could not be written: {}", e.toString());
            callback.failed(e);
        }
    }

    private void writeAnswer(Exchange exchange, Response response, Callback callback) {
        Message message = exchange.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = message.getBody(String.class);
        String type = message.getHeader(Exchange.CONTENT_TYPE, TEXT, String.class);
        if (exchange.getException() != null || status == null || body == null) {
            // The route answers every path itself; this is reached only when the route could not run at all.
            boolean verified = exchange.getProperty(CallbackRoutes.VERIFIED, false, Boolean.class);
            LOG.error("Callback route gave no answer{}", exchange.getException() == null ? ""
                    : ": " + exchange.getException());
            status = verified ? 200 : 503;
            body = verified ? CallbackAnswer.SUCCESS : "gateway not ready";
            type = TEXT;
        }
        write(response, callback, status, type, body);
    }

    private void refuse(Request request, Response response, Callback callback, int status, String reason,
            String appId, long arrival) {
        // A refusal may leave the body unread (too large, a form): drop it first, or the close resets the answer.
        write(response, UnreadBody.dropThen(request, callback), status, TEXT, reason);
        metrics.answered(appId, status, Duration.ofNanos(System.nanoTime() - arrival));
    }

    private static void write(Response response, Callback callback, int status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, type);
        headers.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
