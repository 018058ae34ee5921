package io.wxgate.crypto;

/**
 * A safe-mode packet that cannot be decrypted. Messages are short and never carry key material
 * or plaintext, so they are safe to log.
 */
public class WeChatCryptoException extends RuntimeException {

    /** Which step of wechat-protocol.md §5.6 rejected the packet. */
    public enum Reason {
        BAD_BASE64,
        BAD_CIPHERTEXT,
        BAD_PADDING,
        BAD_LENGTH,
        APPID_MISMATCH
    }

    private final Reason reason;

    WeChatCryptoException(Reason reason, String message) {
        this(reason, message, null);
    }

    WeChatCryptoException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
