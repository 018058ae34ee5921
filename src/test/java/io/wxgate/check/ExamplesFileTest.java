package io.wxgate.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.wxgate.check.Example.ExpectedReply;
import io.wxgate.check.Example.ExpectedSend;
import org.junit.jupiter.api.Test;

/** The examples format, read without Camel: what each key means, and a mistake named with its line. */
class ExamplesFileTest {

    @Test
    void anExampleReadsItsMessageWithDefaultsAndItsExpectations() {
        List<Example> examples = ExamplesFile.read("""
                # a comment
                - name: a news reply and a forward
                  appId: wx2222222222222222
                  message: {Event: CLICK, EventKey: 0123}
                  reply:
                    newsUrl: https://example.com/a
                    title: A
                  forwards:
                    - to: "{{wechat.inbound.forward-uri}}"
                      json: {EventKey: "0123", MsgId: null}
                      headers: {WeChatContent: ~}
                """);

        assertThat(examples).hasSize(1);
        Example example = examples.get(0);
        assertThat(example.line()).isEqualTo(2);
        assertThat(example.appId()).isEqualTo("wx2222222222222222");
        assertThat(example.message()).containsEntry("MsgType", "event").containsEntry("EventKey", "0123")
                .containsEntry("ToUserName", ExamplesFile.DEFAULT_TO_USER)
                .containsEntry("FromUserName", ExamplesFile.DEFAULT_FROM_USER)
                .containsKey("CreateTime").doesNotContainKey("MsgId");
        assertThat(example.reply()).isEqualTo(new ExpectedReply("newsUrl", "https://example.com/a", false,
                Map.of("title", "A")));
        ExpectedSend forward = example.forwards().get(0);
        assertThat(forward.line()).isEqualTo(9);
        assertThat(forward.to()).isEqualTo("{{wechat.inbound.forward-uri}}");
        // Text stays text (0123 is no octal number), and a plain null is null.
        assertThat(forward.json()).hasToString("{EventKey=0123, MsgId=null}");
        assertThat(forward.headers()).containsEntry("WeChatContent", null);
    }

    @Test
    void aTextMessageGetsItsTypeAndAMsgIdAndNoReplyMeansNone() {
        Example example = ExamplesFile.read("""
                - name: nothing to say
                  message: {Content: hello}
                  reply: none
                  forwards: []
                """).get(0);

        assertThat(example.message()).containsEntry("MsgType", "text").containsKey("MsgId");
        assertThat(example.reply().none()).isTrue();
        assertThat(example.forwards()).isEmpty();
    }

    @Test
    void mistakesAreNamedWithTheirLine() {
        assertMistake("""
                - name: two kinds
                  message: {Content: hi}
                  reply: {text: a, image: m}
                """, 3, "two kinds: a reply has exactly one kind of image, musicUrl, newsUrl, text, textContains, "
                + "video, voice; got [text, image]");
        assertMistake("""
                - name: a part of another kind
                  message: {Content: hi}
                  reply:
                    text: a
                    title: t
                """, 5, "a part of another kind: title is not part of a text reply");
        assertMistake("""
                - name: no type
                  message: {MediaId: m}
                  reply: none
                """, 2, "no type: message needs its MsgType (text, image, event, …)");
        assertMistake("""
                - name: nothing to check
                  message: {Content: hi}
                """, 1, "nothing to check: says nothing to check; give a reply, forwards, or both");
        assertMistake("""
                - name: a bad time
                  message: {Content: hi, CreateTime: yesterday}
                  reply: none
                """, 2, null);
        assertMistake("- name: [not, a, name\n", 2, null);
    }

    private static void assertMistake(String text, int line, String message) {
        assertThatThrownBy(() -> ExamplesFile.read(text)).isInstanceOfSatisfying(ExamplesFile.Mistake.class, m -> {
            assertThat(m.line()).isEqualTo(line);
            if (message != null) {
                assertThat(m.getMessage()).isEqualTo(message);
            }
        });
    }
}
