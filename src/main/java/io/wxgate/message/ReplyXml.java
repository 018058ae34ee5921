package io.wxgate.message;

import java.util.Objects;

/**
 * Renders a {@link Reply} as WeChat's passive-reply XML (wechat-protocol.md §4).
 *
 * <p>Written by hand with a StringBuilder: it runs on every answered callback inside WeChat's
 * 5-second window (§3), the format is tiny and fixed, and element order and CDATA use then match
 * WeChat's samples exactly.
 */
public final class ReplyXml {

    private ReplyXml() {
    }

    /**
     * @param toUser the receiving user's openid, i.e. the callback's FromUserName (§4: ids swap)
     * @param fromUser the official account id, i.e. the callback's ToUserName
     * @param createTime Unix seconds
     */
    public static String render(Reply reply, String toUser, String fromUser, long createTime) {
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(toUser, "toUser");
        Objects.requireNonNull(fromUser, "fromUser");
        StringBuilder xml = new StringBuilder(256);
        xml.append("<xml>");
        element(xml, "ToUserName", toUser);
        element(xml, "FromUserName", fromUser);
        xml.append("<CreateTime>").append(createTime).append("</CreateTime>");
        if (reply instanceof Reply.Text text) {
            element(xml, "MsgType", "text");
            element(xml, "Content", text.content());
        } else if (reply instanceof Reply.Image image) {
            element(xml, "MsgType", "image");
            xml.append("<Image>");
            element(xml, "MediaId", image.mediaId());
            xml.append("</Image>");
        } else if (reply instanceof Reply.Voice voice) {
            element(xml, "MsgType", "voice");
            xml.append("<Voice>");
            element(xml, "MediaId", voice.mediaId());
            xml.append("</Voice>");
        } else if (reply instanceof Reply.Video video) {
            element(xml, "MsgType", "video");
            xml.append("<Video>");
            element(xml, "MediaId", video.mediaId());
            element(xml, "Title", video.title());
            element(xml, "Description", video.description());
            xml.append("</Video>");
        } else if (reply instanceof Reply.Music music) {
            element(xml, "MsgType", "music");
            xml.append("<Music>");
            element(xml, "Title", music.title());
            element(xml, "Description", music.description());
            element(xml, "MusicUrl", music.musicUrl());
            element(xml, "HQMusicUrl", music.hqMusicUrl());
            element(xml, "ThumbMediaId", music.thumbMediaId());
            xml.append("</Music>");
        } else if (reply instanceof Reply.News news) {
            element(xml, "MsgType", "news");
            xml.append("<ArticleCount>").append(news.articles().size()).append("</ArticleCount>");
            xml.append("<Articles>");
            for (Reply.Article article : news.articles()) {
                xml.append("<item>");
                element(xml, "Title", article.title());
                element(xml, "Description", article.description());
                element(xml, "PicUrl", article.picUrl());
                element(xml, "Url", article.url());
                xml.append("</item>");
            }
            xml.append("</Articles>");
        } else {
            throw new IllegalArgumentException("unknown reply type " + reply.getClass().getName());
        }
        return xml.append("</xml>").toString();
    }

    /** Appends {@code <name><![CDATA[value]]></name>}, or nothing for an absent optional value. */
    private static void element(StringBuilder xml, String name, String value) {
        if (value == null) {
            return;
        }
        xml.append('<').append(name).append("><![CDATA[");
        appendCdataText(xml, value);
        xml.append("]]></").append(name).append('>');
    }

    /**
     * A CDATA section cannot contain {@code ]]>}, so that sequence is split across two sections
     * ({@code ]]} ends one, {@code >} starts the next). Characters XML 1.0 forbids (most C0
     * controls, lone surrogates, U+FFFE/U+FFFF) are dropped: a single one would make the whole
     * reply unparseable and WeChat would show the user its "service unavailable" notice (§3).
     */
    private static void appendCdataText(StringBuilder xml, String value) {
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c == ']' && value.startsWith("]]>", i)) {
                xml.append("]]]]><![CDATA[>");
                i += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                    xml.append(c).append(value.charAt(i + 1));
                    i++;
                }
            } else if (isAllowedBmpChar(c)) {
                xml.append(c);
            }
        }
    }

    private static boolean isAllowedBmpChar(char c) {
        if (c < 0x20) {
            return c == '\t' || c == '\n' || c == '\r';
        }
        return !Character.isSurrogate(c) && c != '\uFFFE' && c != '\uFFFF';
    }
}
