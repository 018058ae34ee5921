package io.wxgate.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpUrlTest {

    @Test
    void anAbsoluteHttpOrHttpsUrlWithAHostPasses() {
        assertThat(HttpUrl.parse("https://shop.example.com/item?id=1#top")).hasValueSatisfying(
                uri -> assertThat(uri.toString()).isEqualTo("https://shop.example.com/item?id=1#top"));
        assertThat(HttpUrl.parse("HTTP://img.example.com:8080/a.png")).isPresent();
    }

    @Test
    void anythingElseIsRefused() {
        assertThat(HttpUrl.parse(null)).isEmpty();
        assertThat(HttpUrl.parse("")).isEmpty();
        assertThat(HttpUrl.parse("/item?id=1")).as("relative").isEmpty();
        assertThat(HttpUrl.parse("ftp://example.com/a.png")).isEmpty();
        assertThat(HttpUrl.parse("file:///etc/passwd")).isEmpty();
        assertThat(HttpUrl.parse("javascript:alert(1)")).isEmpty();
        assertThat(HttpUrl.parse("http:/no-host")).as("no host").isEmpty();
        assertThat(HttpUrl.parse("https://exa mple.com/")).as("not a URI").isEmpty();
    }
}
