package io.wxgate.message;

import java.util.List;
import java.util.Objects;

/**
 * A passive reply (wechat-protocol.md §4): the answer to a callback, rendered by {@link ReplyXml}.
 * Media ids refer to media uploaded to WeChat beforehand. Optional parts are {@code null}.
 */
public sealed interface Reply {

    record Text(String content) implements Reply {
        public Text {
            Objects.requireNonNull(content, "content");
        }
    }

    record Image(String mediaId) implements Reply {
        public Image {
            Objects.requireNonNull(mediaId, "mediaId");
        }
    }

    record Voice(String mediaId) implements Reply {
        public Voice {
            Objects.requireNonNull(mediaId, "mediaId");
        }
    }

    /** {@code title} and {@code description} are optional. */
    record Video(String mediaId, String title, String description) implements Reply {
        public Video {
            Objects.requireNonNull(mediaId, "mediaId");
        }
    }

    /** Only {@code thumbMediaId} is required by WeChat (§4). */
    record Music(String title, String description, String musicUrl, String hqMusicUrl, String thumbMediaId)
            implements Reply {
        public Music {
            Objects.requireNonNull(thumbMediaId, "thumbMediaId");
        }
    }

    /**
     * Article cards. WeChat's doc allows up to 8, but only 1 when answering most messages and
     * reportedly 1 everywhere since 2018 (§4), so send one unless you know better.
     */
    record News(List<Article> articles) implements Reply {
        static final int MAX_ARTICLES = 8;

        public News {
            articles = List.copyOf(articles);
            if (articles.isEmpty() || articles.size() > MAX_ARTICLES) {
                throw new IllegalArgumentException("a news reply needs 1 to " + MAX_ARTICLES + " articles, got "
                        + articles.size());
            }
        }
    }

    /** One news card; every part is optional to WeChat. */
    record Article(String title, String description, String picUrl, String url) {
    }
}
