package io.wxgate.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.wxgate.message.WeChatMessage;
import org.junit.jupiter.api.Test;

class DedupeKeysTest {


    private static WeChatMessage event(String event, String key, String templateMsgId) {
        WeChatMessage m = new WeChatMessage();
        m.setFromUserName("o-user");
        m.setCreateTime(1_700_000_000L);
        m.setMsgType("event");
        m.setEvent(event);
        m.setEventKey(key);
        m.setTemplateMsgId(templateMsgId);
        return m;
    }

    @Test
    void messagesAreKeyedByMsgIdAndApp() {
        WeChatMessage m = new WeChatMessage();
        m.setMsgId("6054768590064713728");
        m.setFromUserName("o-user");

        assertThat(DedupeKeys.keyOf("wxapp", m)).isEqualTo("wxapp|m|6054768590064713728");
        assertThat(DedupeKeys.keyOf("wxother", m)).isNotEqualTo(DedupeKeys.keyOf("wxapp", m));
    }

    @Test
    void differentEventsInOneSecondGetDifferentKeys() {
        assertThat(DedupeKeys.keyOf("wxapp", event("CLICK", "A", null))).isNotEqualTo(DedupeKeys.keyOf("wxapp", event("VIEW", "A", null)));
        assertThat(DedupeKeys.keyOf("wxapp", event("CLICK", "A", null))).isNotEqualTo(DedupeKeys.keyOf("wxapp", event("CLICK", "B", null)));
        assertThat(DedupeKeys.keyOf("wxapp", event("TEMPLATESENDJOBFINISH", null, "1")))
                .isNotEqualTo(DedupeKeys.keyOf("wxapp", event("TEMPLATESENDJOBFINISH", null, "2")));
    }

    @Test
    void theSameEventAgainGetsTheSameKey() {
        assertThat(DedupeKeys.keyOf("wxapp", event("subscribe", null, null))).isEqualTo(DedupeKeys.keyOf("wxapp", event("subscribe", null, null)));
    }
}
