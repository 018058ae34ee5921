package io.wxgate.webapp;

import io.wxgate.account.Account;
import io.wxgate.send.TokenRejectedException;
import io.wxgate.send.UnreadableAnswerException;
import io.wxgate.send.WeChatBusyException;
import io.wxgate.token.AccessToken;
import io.wxgate.token.AccessTokenSource;
import io.wxgate.token.AccessTokens;
import io.wxgate.token.TokenFetcher;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

/**
 * One jsapi_ticket fetch: {@code cgi-bin/ticket/getticket} with the account's access_token (route
 * {@code wechat-jsapi-ticket-fetch}). getticket changes nothing at WeChat, so one repeat is always safe: after a
 * token errcode (40001/40014/42001, §11) with a fresh access_token, the refused one dropped only if it is still
 * the cached one (compare-and-invalidate, SPEC §4); after a busy answer or a lost call, as it was.
 */
final class JsapiTicketFetcher implements TokenFetcher {

    private final ProducerTemplate producer;
    private final AccessTokens tokens;

    JsapiTicketFetcher(ProducerTemplate producer, AccessTokens tokens) {
        this.producer = producer;
        this.tokens = tokens;
    }

    @Override
    public AccessToken fetch(Account account, boolean forceRefresh) {
        AccessTokenSource source = tokens.of(account);
        String token = source.current().value();
        try {
            return call(account, token);
        } catch (TokenRejectedException refused) {
            source.invalidate(token);
            return call(account, source.current().value());
        } catch (WeChatBusyException | UnreadableAnswerException busy) {
            return call(account, token);
        }
    }

    private AccessToken call(Account account, String accessToken) {
        try {
            return producer.requestBodyAndHeader(WebAppRoutes.TICKET_FETCH, accessToken, WebAppRoutes.ACCOUNT,
                    account, AccessToken.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            // A transport fault: whether WeChat answered is unknown, and asking again is harmless.
            throw new WeChatBusyException("no answer: " + e.getCause().getClass().getSimpleName(),
                    WebAppRoutes.GETTICKET);
        }
    }
}
