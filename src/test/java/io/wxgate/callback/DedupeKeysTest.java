package io.wxgate.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.wxgate.message.WeChatMessage;
import org.junit.jupiter.api.Test;

class DedupeKeysTest {

    private final DedupeKeys keys = new DedupeKeys("wxapp");

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

        assertThat(keys.keyOf(m)).isEqualTo("wxapp|m|6054768590064713728");
        assertThat(new DedupeKeys("wxother").keyOf(m)).isNotEqualTo(keys.keyOf(m));
    }

    @Test
    void differentEventsInOneSecondGetDifferentKeys() {
        assertThat(keys.keyOf(event("CLICK", "A", null))).isNotEqualTo(keys.keyOf(event("VIEW", "A", null)));
        assertThat(keys.keyOf(event("CLICK", "A", null))).isNotEqualTo(keys.keyOf(event("CLICK", "B", null)));
        assertThat(keys.keyOf(event("TEMPLATESENDJOBFINISH", null, "1")))
                .isNotEqualTo(keys.keyOf(event("TEMPLATESENDJOBFINISH", null, "2")));
    }

    @Test
    void theSameEventAgainGetsTheSameKey() {
        assertThat(keys.keyOf(event("subscribe", null, null))).isEqualTo(keys.keyOf(event("subscribe", null, null)));
    }
}
