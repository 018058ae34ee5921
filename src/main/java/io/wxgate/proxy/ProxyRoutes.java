package io.wxgate.proxy;

import java.time.Duration;

import io.wxgate.account.Account;
import io.wxgate.api.ApiRejection;
import io.wxgate.api.ApiRoutes;
import io.wxgate.config.SendProperties;
import io.wxgate.config.WeChatProperties;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.token.AccessTokens;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The token-owning proxy (SPEC §8): {@code /api/v1/wechat/{path}} and {@code /api/v1/accounts/{appId}/wechat/{path}}
 * call {@code {WECHAT_API_BASE_URL}/{path}} with the caller's query and body and the account's access_token, and
 * answer WeChat's status, Content-Type and body unchanged, streamed. The REST verbs are ApiRoutes's, behind its
 * bearer check; they lead here, one route per path form as for the other API routes. Which calls are repeated is
 * {@link WeChatProxy}'s rule; what may be called, {@link ProxyRequest}'s.
 */
@Component
public class ProxyRoutes extends RouteBuilder implements DisposableBean {

    static final String REQUEST = "proxyRequest";
    private static final String STARTED = "proxyStarted";

    private final WeChatProxy proxy;
    private final GatewayMetrics metrics;

    public ProxyRoutes(WeChatProperties wechat, SendProperties send, AccessTokens tokens, GatewayMetrics metrics) {
        this.proxy = new WeChatProxy(wechat.apiBaseUrls(), tokens, send);
        this.metrics = metrics;
    }

    @Override
    public void configure() {
        // One route per path form and verb, as ApiRoutes's REST verbs lead to them ("api-wechat-proxy-get" …).
        for (String via : new String[] {"api-", "api-account-"}) {
            for (String verb : new String[] {"get", "post", "put", "delete", "patch", "head"}) {
                // No error handler of its own: a refusal goes back to the REST route, whose onException answers
                // it as the rest of the API answers bad input.
                from("direct:" + via + "wechat-proxy-" + verb).routeId(via + "wechat-proxy-" + verb)
                        .errorHandler(noErrorHandler())
                        .process(this::admit)
                        .process(this::call);
            }
        }
    }

    private void admit(Exchange e) {
        e.setVariable(STARTED, System.nanoTime());
        ApiRoutes.actingAccount(e);
        var in = e.getIn();
        e.setVariable(REQUEST, ProxyRequest.admit(in.getHeader(Exchange.HTTP_METHOD, "GET", String.class),
                in.getHeader(Exchange.HTTP_URI, "", String.class), in.getHeader(Exchange.HTTP_QUERY, String.class),
                in.getHeader(Exchange.CONTENT_TYPE, String.class), in.getHeader("Accept", String.class),
                in.getBody(byte[].class)));
    }

    private void call(Exchange e) {
        Account account = ApiRoutes.actingAccount(e);
        ProxyRequest request = e.getVariable(REQUEST, ProxyRequest.class);
        WeChatProxy.Answer answer;
        try {
            answer = proxy.call(account, request);
        } catch (ApiRejection unreachable) {
            metrics.proxyCall(account.appId(), request.path(), unreachable.status(), null, elapsed(e));
            throw unreachable;
        }
        // A path WeChat does not know (404) is the caller's invention: it gets no metrics label of its own.
        String path = answer.status() == 404 ? GatewayMetrics.OTHER_PATH : request.path();
        metrics.proxyCall(account.appId(), path, answer.status(), answer.errcode(), elapsed(e));
        var message = e.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        if (answer.contentType() != null) {
            message.setHeader(Exchange.CONTENT_TYPE, answer.contentType());
        }
        if (answer.contentDisposition() != null) {
            message.setHeader("Content-Disposition", answer.contentDisposition());
        }
        // camel-jetty copies a stream body to the caller as it reads it; the connection to WeChat goes back to
        // the pool when the exchange is done, read to the end or not (a caller that hung up).
        message.setBody(answer.body());
        e.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                try {
                    answer.body().close();
                } catch (java.io.IOException ignored) {
                    // The connection is discarded either way.
                }
            }
        });
    }

    private static Duration elapsed(Exchange e) {
        return Duration.ofNanos(System.nanoTime() - e.getVariable(STARTED, Long.class));
    }

    @Override
    public void destroy() throws Exception {
        proxy.close();
    }
}
