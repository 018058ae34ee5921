package io.wxgate.send;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.message.Json;
import io.wxgate.message.Reply;

/** A passive reply re-expressed as a customer-service message (wechat-protocol.md §7), for late replies. */
public final class CustomMessages {

    private CustomMessages() {
    }

    public static ObjectNode of(Reply reply, String openid) {
        ObjectNode m = Json.MAPPER.createObjectNode().put("touser", openid);
        if (reply instanceof Reply.Text t) {
            m.put("msgtype", "text").putObject("text").put("content", t.content());
        } else if (reply instanceof Reply.Image i) {
            m.put("msgtype", "image").putObject("image").put("media_id", i.mediaId());
        } else if (reply instanceof Reply.Voice v) {
            m.put("msgtype", "voice").putObject("voice").put("media_id", v.mediaId());
        } else if (reply instanceof Reply.Video v) {
            ObjectNode video = m.put("msgtype", "video").putObject("video").put("media_id", v.mediaId());
            putIfPresent(video, "title", v.title());
            putIfPresent(video, "description", v.description());
        } else if (reply instanceof Reply.Music mu) {
            ObjectNode music = m.put("msgtype", "music").putObject("music");
            putIfPresent(music, "title", mu.title());
            putIfPresent(music, "description", mu.description());
            putIfPresent(music, "musicurl", mu.musicUrl());
            putIfPresent(music, "hqmusicurl", mu.hqMusicUrl());
            music.put("thumb_media_id", mu.thumbMediaId());
        } else if (reply instanceof Reply.News n) {
            var articles = m.put("msgtype", "news").putObject("news").putArray("articles");
            for (Reply.Article a : n.articles()) {
                ObjectNode article = articles.addObject();
                putIfPresent(article, "title", a.title());
                putIfPresent(article, "description", a.description());
                putIfPresent(article, "url", a.url());
                putIfPresent(article, "picurl", a.picUrl());
            }
        }
        return m;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
