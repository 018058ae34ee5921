package io.wxgate.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.wxgate.simulator.MediaApis;
import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.DownstreamServer;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8, image replies by URL: a route sets WeChatReplyImageUrl; the gateway uploads the image once per URL and
 * replies with its media_id, or, when the upload misses the callback deadline, sends it late as a customer-service
 * image.
 */
class ImageReplyTest extends GatewayTest {

    private static final Pattern MEDIA_ID = Pattern.compile("<Image><MediaId><!\\[CDATA\\[(.*?)]]></MediaId></Image>");

    private static String unique(String prefix) {
        return prefix + "-" + Samples.newMsgId() + ".png";
    }

    private HttpResponse<String> picture(String user, String name) {
        return driver.send(driver.delivery(Mode.PLAIN, Samples.text(user, "picture " + name, Samples.newMsgId())));
    }

    private static String mediaIdIn(HttpResponse<String> answer) {
        Matcher m = MEDIA_ID.matcher(answer.body());
        assertThat(m.find()).as("an image reply: %s", answer.body()).isTrue();
        return m.group(1);
    }

    private static long fetchesOf(String name) {
        return DOWNSTREAM.received().stream().filter(r -> r.path().equals("/images/" + name)).count();
    }

    @Test
    void aRouteRepliesWithTheImageAtAUrl() {
        String name = unique("logo");

        HttpResponse<String> answer = picture(Samples.user(), name);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("<MsgType><![CDATA[image]]></MsgType>");
        MediaApis.Media uploaded = SIMULATOR.media().media(mediaIdIn(answer));
        assertThat(uploaded).isNotNull();
        assertThat(uploaded.bytes()).isEqualTo(DownstreamServer.png(name));
        assertThat(uploaded.contentType()).isEqualTo("image/png");
    }

    @Test
    void anImageIsUploadedOncePerUrlAndItsMediaIdReused() {
        String name = unique("banner");
        int uploadsBefore = SIMULATOR.calls(MediaApis.MEDIA_UPLOAD).size();

        List<String> mediaIds = IntStream.range(0, 6)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> mediaIdIn(picture(Samples.user(), name))))
                .toList().stream().map(CompletableFuture::join).toList();
        String later = mediaIdIn(picture(Samples.user(), name));

        assertThat(mediaIds).containsOnly(later);
        assertThat(fetchesOf(name)).isEqualTo(1);
        assertThat(SIMULATOR.calls(MediaApis.MEDIA_UPLOAD).size() - uploadsBefore).isEqualTo(1);
    }

    @Test
    void anUploadThatMissesTheDeadlineGoesOutAsACustomerServiceImage() {
        String user = Samples.user();
        SIMULATOR.userInteracted(user);
        String name = unique("late");
        // WeChat takes 5 s over the upload: past the 4.5 s callback deadline, within the 10 s call timeout.
        SIMULATOR.delay(MediaApis.MEDIA_UPLOAD, Duration.ofSeconds(5));
        HttpResponse<String> answer;
        try {
            answer = picture(user, name);
        } finally {
            SIMULATOR.delay(MediaApis.MEDIA_UPLOAD, Duration.ZERO);
        }

        assertThat(answer.body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(15)).until(() -> !customMessagesTo(user).isEmpty());
        WeChatApiSimulator.Delivery late = customMessagesTo(user).get(0);
        assertThat(late.body()).contains("\"msgtype\":\"image\"");
        String mediaId = late.body().replaceAll(".*\"media_id\":\"([^\"]+)\".*", "$1");
        assertThat(SIMULATOR.media().media(mediaId).bytes()).isEqualTo(DownstreamServer.png(name));
    }

    @Test
    void aUrlThatIsNoImageGivesNoReplyAndUploadsNothing() {
        int uploadsBefore = SIMULATOR.calls(MediaApis.MEDIA_UPLOAD).size();

        assertThat(picture(Samples.user(), unique("page")).body()).isEqualTo("success");
        assertThat(picture(Samples.user(), unique("missing")).body()).isEqualTo("success");
        // Its server answers in 6 s, past wechat.reply-images.download-timeout (3 s).
        assertThat(picture(Samples.user(), unique("slow")).body()).isEqualTo("success");

        assertThat(SIMULATOR.calls(MediaApis.MEDIA_UPLOAD)).hasSize(uploadsBefore);
    }

    @Test
    void anImageWeChatRefusesGivesNoReplyAndIsTriedAgainNextTime() {
        String name = unique("refused");
        SIMULATOR.failNext(MediaApis.MEDIA_UPLOAD, 1, 40005);

        assertThat(picture(Samples.user(), name).body()).isEqualTo("success");
        String mediaId = mediaIdIn(picture(Samples.user(), name));

        assertThat(SIMULATOR.media().media(mediaId)).isNotNull();
    }

    private static List<WeChatApiSimulator.Delivery> customMessagesTo(String user) {
        return SIMULATOR.deliveries("custom").stream().filter(d -> user.equals(d.touser())).toList();
    }
}
