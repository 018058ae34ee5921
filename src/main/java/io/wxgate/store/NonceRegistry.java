package io.wxgate.store;

/**
 * Binds a callback's {@code timestamp}+{@code nonce} to the body first seen with it.
 * In plain mode WeChat's signature covers only token, timestamp and nonce, not the body (wechat-protocol.md §1),
 * so a captured query string could otherwise carry any body while its timestamp is fresh.
 */
public interface NonceRegistry {

    /**
     * True when this nonce is new, or was seen with this same body (a WeChat retry).
     *
     * @param bodySha256 the SHA-256 of the body, 32 bytes
     */
    boolean bind(String timestampAndNonce, byte[] bodySha256);
}
