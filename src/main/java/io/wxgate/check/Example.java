package io.wxgate.check;

import java.util.List;
import java.util.Map;

/**
 * One example of an examples file: a message in, and what must come out of the routes for it.
 *
 * @param line     where the example starts in its file
 * @param name     what it shows, as its author put it
 * @param appId    the official account the message came to; null for the default account
 * @param message  the message's fields, WeChat's names as the forwarded JSON has them ({@code MsgType}, …)
 * @param reply    the passive reply expected; null when the example does not say
 * @param forwards what must have been sent out; null when the example does not say, empty for nothing at all
 */
record Example(int line, String name, String appId, Map<String, Object> message, ExpectedReply reply,
        List<ExpectedSend> forwards) {

    /**
     * The passive reply expected: none, or one of a kind with some of its parts, named as the reply headers
     * (README "Routes you edit") without their {@code WeChatReply} prefix and with a small first letter.
     *
     * @param kind     {@code text}, {@code image}, {@code voice}, {@code video}, {@code musicUrl} or {@code newsUrl};
     *                 null for "no reply"
     * @param value    the kind's own value (the text, the media id, the URL)
     * @param contains the text need only contain {@code value} ({@code textContains})
     * @param parts    parts to compare ({@code title}, {@code description}, …); those not given are not compared
     */
    record ExpectedReply(String kind, String value, boolean contains, Map<String, String> parts) {

        static final ExpectedReply NONE = new ExpectedReply(null, null, false, Map.of());

        boolean none() {
            return kind == null;
        }
    }

    /**
     * A message that must have been sent out.
     *
     * @param line    where this expectation is written
     * @param to      the endpoint: its URI, options left out or not, {@code *} as a wildcard, {@code {{…}}}
     *                placeholders from the settings
     * @param body    the exact body, or null
     * @param json    a JSON subset the body must contain, or null
     * @param headers header values (null: absent), or an empty map
     */
    record ExpectedSend(int line, String to, String body, Object json, Map<String, Object> headers) {
    }
}
