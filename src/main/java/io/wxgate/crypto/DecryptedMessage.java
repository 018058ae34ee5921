package io.wxgate.crypto;

/** A decrypted safe-mode payload and the appid it was sealed for (wechat-protocol.md §5.3). */
public record DecryptedMessage(String message, String appId) {
}
