package io.wxgate.message;

/**
 * Turns the image at a URL into a media_id WeChat takes in an image reply ({@link ReplyHeaders#IMAGE_URL}): the
 * gateway uploads it as temporary media of the account (wechat-protocol.md §15).
 */
@FunctionalInterface
public interface ImageUploads {

    /**
     * The media_id of the image at {@code url}, uploaded for account {@code appId}.
     *
     * @throws IllegalArgumentException when the image cannot be had or WeChat refuses it (the reason, no secret)
     */
    String mediaIdOf(String appId, String url);
}
