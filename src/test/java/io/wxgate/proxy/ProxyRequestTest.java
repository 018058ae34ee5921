package io.wxgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wxgate.api.ApiRejection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What the proxy may call (SPEC §8, wechat-protocol.md §17), decided on the request URI as the caller sent it. */
class ProxyRequestTest {

    private static ProxyRequest admit(String uri, String query) {
        return ProxyRequest.admit("get", uri, query, null, null, null);
    }

    private static int refusal(String uri, String query) {
        try {
            admit(uri, query);
        } catch (ApiRejection refused) {
            return refused.status();
        }
        return 0;
    }

    @Test
    void aWeChatPathIsTakenWithItsSlashesAndTheQueryAsSent() {
        ProxyRequest request = admit("/api/v1/accounts/wx1111111111111111/wechat/cgi-bin/user/info", "openid=o%2B1");

        assertThat(request.path()).isEqualTo("cgi-bin/user/info");
        assertThat(request.query()).isEqualTo("openid=o%2B1");
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.body()).isEmpty();
        assertThat(admit("/api/v1/wechat/cgi-bin/media/get/jssdk", null).path()).isEqualTo("cgi-bin/media/get/jssdk");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cgi-bin/media/../token", "cgi-bin/./user/info", "..", "cgi-bin%2Fuser%2Finfo",
        "cgi-bin/%2e%2e/token", "http:/evil.example/x", "/evil.example/cgi-bin/user/info", "cgi-bin//user/info",
        "cgi-bin/user/info/", "cgi-bin/user@evil.example/info", "cgi-bin/user\\info", ""})
    void aPathThatCouldLeaveTheBaseUrlIs400(String path) {
        assertThat(refusal("/api/v1/wechat/" + path, null)).as(path).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cgi-bin/token", "cgi-bin/stable_token", "cgi-bin/clear_quota", "cgi-bin/clear_quota/v2",
        "sns/oauth2/access_token", "sns/userinfo", "sns/auth", "Sns/userinfo", "CGI-BIN/TOKEN"})
    void theEndpointsOfTheAppSecretOrAUsersWebTokenAre403(String path) {
        assertThat(refusal("/api/v1/wechat/" + path, null)).as(path).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"access_token=x", "openid=o&access_token=x", "access%5Ftoken=x", "ACCESS_TOKEN=x",
        "access_token", "openid=%zz"})
    void theCallersAccessTokenOrABadlyEncodedQueryIs400(String query) {
        assertThatThrownBy(() -> admit("/api/v1/wechat/cgi-bin/user/info", query))
                .isInstanceOfSatisfying(ApiRejection.class, r -> assertThat(r.status()).isEqualTo(400));
    }

    @Test
    void aParameterMerelyMentioningTheTokenIsNotRefused() {
        assertThat(admit("/api/v1/wechat/cgi-bin/user/info", "openid=access_token&my_access_token=1").query())
                .isEqualTo("openid=access_token&my_access_token=1");
    }
}
