package io.wxgate.token;

import java.time.Instant;

/** An access_token as WeChat issued it. Its value is a secret: it is never part of toString. */
public record AccessToken(String value, int expiresIn, Instant fetchedAt) {

    public Instant expiresAt() {
        return fetchedAt.plusSeconds(expiresIn);
    }

    @Override
    public String toString() {
        return "AccessToken[expiresIn=" + expiresIn + ", fetchedAt=" + fetchedAt + "]";
    }
}
