package io.wxgate.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The headers a route sets to answer a callback with a passive reply (wechat-protocol.md §4)
 * without writing Java, e.g. in YAML {@code setHeader: {name: WeChatReplyText, simple: "Hi"}}.
 *
 * <p>Exactly one <em>kind</em> header picks the reply type; <em>part</em> headers fill in the
 * rest. Blank values count as absent, values are read with {@code String.valueOf}. Anything
 * ambiguous fails loudly with an {@link IllegalArgumentException} naming the headers, because a
 * silently wrong or missing reply is only noticed by the user on the phone: two kinds at once, a
 * required part missing, or a part that the chosen kind does not use (usually a typo or a
 * leftover from another branch).
 *
 * <p>The gateway must strip inbound headers starting with {@link #PREFIX} from the HTTP request,
 * or a caller could choose the reply.
 */
public final class ReplyHeaders {

    /** Common prefix of every reply header. */
    public static final String PREFIX = "WeChatReply";

    /** Kind: a ready {@link Reply} object (for Java beans). */
    public static final String REPLY = "WeChatReply";
    /** Kind: text reply; the value is the content. */
    public static final String TEXT = "WeChatReplyText";
    /** Kind: image reply; the value is the media id. */
    public static final String IMAGE = "WeChatReplyImage";
    /**
     * Kind: image reply; the value is the image's http(s) URL. The gateway uploads it as temporary media once per URL
     * and account and replies with its media id ({@link ImageUploads}).
     */
    public static final String IMAGE_URL = "WeChatReplyImageUrl";
    /** Kind: voice reply; the value is the media id. */
    public static final String VOICE = "WeChatReplyVoice";
    /** Kind: video reply; the value is the media id. Parts: {@link #TITLE}, {@link #DESCRIPTION}. */
    public static final String VIDEO = "WeChatReplyVideo";
    /**
     * Kind: music reply. Parts: {@link #THUMB_MEDIA_ID} (required, §4), {@link #HQ_MUSIC_URL},
     * {@link #TITLE}, {@link #DESCRIPTION}.
     */
    public static final String MUSIC_URL = "WeChatReplyMusicUrl";
    /**
     * Kind: news reply with one article linking to the value. Parts: {@link #TITLE} (required),
     * {@link #DESCRIPTION}, {@link #PIC_URL}.
     */
    public static final String NEWS_URL = "WeChatReplyNewsUrl";

    public static final String TITLE = "WeChatReplyTitle";
    public static final String DESCRIPTION = "WeChatReplyDescription";
    public static final String HQ_MUSIC_URL = "WeChatReplyHqMusicUrl";
    public static final String THUMB_MEDIA_ID = "WeChatReplyThumbMediaId";
    public static final String PIC_URL = "WeChatReplyPicUrl";

    // REPLY is a kind too, but holds an object, so it is read separately.
    private static final List<String> KINDS = List.of(TEXT, IMAGE, IMAGE_URL, VOICE, VIDEO, MUSIC_URL, NEWS_URL);
    private static final List<String> PARTS = List.of(TITLE, DESCRIPTION, HQ_MUSIC_URL, THUMB_MEDIA_ID, PIC_URL);
    private static final Map<String, Set<String>> PARTS_BY_KIND = Map.of(
            REPLY, Set.of(),
            TEXT, Set.of(),
            IMAGE, Set.of(),
            IMAGE_URL, Set.of(),
            VOICE, Set.of(),
            VIDEO, Set.of(TITLE, DESCRIPTION),
            MUSIC_URL, Set.of(THUMB_MEDIA_ID, HQ_MUSIC_URL, TITLE, DESCRIPTION),
            NEWS_URL, Set.of(TITLE, DESCRIPTION, PIC_URL));

    private ReplyHeaders() {
    }

    /**
     * Builds the reply described by the headers.
     *
     * @param header looks up one header, {@code null} when absent (e.g. Camel's
     *     {@code message::getHeader})
     * @return empty when no reply header is set
     * @throws IllegalArgumentException when the headers are contradictory or incomplete
     */
    public static Optional<Reply> fromHeaders(Function<String, Object> header) {
        return fromHeaders(header, url -> {
            throw new IllegalArgumentException("Header " + IMAGE_URL + " needs the gateway's image uploads");
        });
    }

    /**
     * As {@link #fromHeaders(Function)}, with {@link #IMAGE_URL} turned into an image reply by {@code imageUrls}
     * (URL → media id), called only when that is the reply's kind.
     */
    public static Optional<Reply> fromHeaders(Function<String, Object> header, Function<String, String> imageUrls) {
        Objects.requireNonNull(header, "header");
        Reply prebuilt = prebuiltReply(header.apply(REPLY));

        Map<String, String> values = new LinkedHashMap<>();
        for (String name : KINDS) {
            putIfPresent(values, name, header.apply(name));
        }
        for (String name : PARTS) {
            putIfPresent(values, name, header.apply(name));
        }

        List<String> kinds = new ArrayList<>();
        if (prebuilt != null) {
            kinds.add(REPLY);
        }
        KINDS.stream().filter(values::containsKey).forEach(kinds::add);
        List<String> parts = PARTS.stream().filter(values::containsKey).toList();

        if (kinds.size() > 1) {
            throw new IllegalArgumentException("Conflicting reply headers " + kinds + ": set only one of "
                    + REPLY + ", " + String.join(", ", KINDS));
        }
        if (kinds.isEmpty()) {
            if (!parts.isEmpty()) {
                throw new IllegalArgumentException("Reply headers " + parts
                        + " are set without a reply kind header (one of " + REPLY + ", " + String.join(", ", KINDS) + ")");
            }
            return Optional.empty();
        }

        String kind = kinds.get(0);
        List<String> unused = parts.stream().filter(part -> !PARTS_BY_KIND.get(kind).contains(part)).toList();
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("Reply headers " + unused + " do not apply to " + kind);
        }
        if (prebuilt != null) {
            return Optional.of(prebuilt);
        }
        String value = values.get(kind);
        String title = values.get(TITLE);
        String description = values.get(DESCRIPTION);
        Reply reply = switch (kind) {
            case TEXT -> new Reply.Text(value);
            case IMAGE -> new Reply.Image(value);
            case IMAGE_URL -> new Reply.Image(imageUrls.apply(httpUrl(value)));
            case VOICE -> new Reply.Voice(value);
            case VIDEO -> new Reply.Video(value, title, description);
            case MUSIC_URL -> new Reply.Music(title, description, value, values.get(HQ_MUSIC_URL),
                    required(values, THUMB_MEDIA_ID, kind));
            case NEWS_URL -> new Reply.News(List.of(new Reply.Article(required(values, TITLE, kind), description,
                    values.get(PIC_URL), value)));
            default -> throw new IllegalStateException("unhandled reply kind " + kind);
        };
        return Optional.of(reply);
    }

    private static String httpUrl(String value) {
        return HttpUrl.parse(value.trim()).map(java.net.URI::toString).orElseThrow(
                () -> new IllegalArgumentException("Header " + IMAGE_URL + " must be an http or https URL"));
    }

    private static Reply prebuiltReply(Object value) {
        if (value == null || (value instanceof CharSequence text && text.toString().isBlank())) {
            return null;
        }
        if (value instanceof Reply reply) {
            return reply;
        }
        throw new IllegalArgumentException("Header " + REPLY + " must hold an " + Reply.class.getName()
                + ", not a " + value.getClass().getName());
    }

    private static void putIfPresent(Map<String, String> values, String name, Object value) {
        if (value != null) {
            String text = String.valueOf(value);
            if (!text.isBlank()) {
                values.put(name, text);
            }
        }
    }

    private static String required(Map<String, String> values, String part, String kind) {
        String value = values.get(part);
        if (value == null) {
            throw new IllegalArgumentException("Header " + kind + " needs header " + part);
        }
        return value;
    }
}
