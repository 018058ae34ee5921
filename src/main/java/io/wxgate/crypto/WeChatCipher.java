package io.wxgate.crypto;

import io.wxgate.crypto.WeChatCryptoException.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat safe-mode message crypto (WXBizMsgCrypt, wechat-protocol.md §5) for one account.
 * Thread-safe: a {@link Cipher} is not, so each thread keeps its own (see {@code AES}).
 *
 * <p>Callers must verify {@code msg_signature} before {@link #decrypt}: CBC without that check would
 * let the distinct failure reasons act as a padding oracle (§5.6 puts the check first).
 */
public final class WeChatCipher {

    private static final String TRANSFORMATION = "AES/CBC/NoPadding";
    private static final int KEY_CHARS = 43;
    private static final int RANDOM_BYTES = 16;
    private static final int LENGTH_BYTES = 4;
    private static final int HEADER_BYTES = RANDOM_BYTES + LENGTH_BYTES;
    // §5.4: WeChat pads PKCS#7-style to 32 bytes, not the AES block of 16, so JCE PKCS5Padding cannot be used.
    private static final int PAD_BLOCK = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    // Looking a Cipher up costs more than using it on a callback-sized message; a Cipher is not thread-safe,
    // and init with the key and mode before each use resets it, whatever an earlier failure left behind.
    private static final ThreadLocal<Cipher> AES = ThreadLocal.withInitial(WeChatCipher::newAes);

    private final SecretKeySpec key;
    private final IvParameterSpec iv;
    private final String appId;
    private final byte[] appIdBytes;

    /**
     * @throws IllegalArgumentException if the EncodingAESKey is not 43 characters of [A-Za-z0-9]
     *         decoding to 32 bytes (§5.1), or the appId is blank; the message never quotes the key
     */
    public WeChatCipher(String encodingAesKey, String appId) {
        byte[] aesKey = decodeKey(encodingAesKey);
        if (appId == null || appId.isBlank()) {
            throw new IllegalArgumentException("appId is missing");
        }
        this.key = new SecretKeySpec(aesKey, "AES");
        // §5.2: the IV is not sent; it is the first half of the key.
        this.iv = new IvParameterSpec(aesKey, 0, 16);
        Arrays.fill(aesKey, (byte) 0);
        this.appId = appId;
        this.appIdBytes = appId.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] decodeKey(String encodingAesKey) {
        if (encodingAesKey == null) {
            throw new IllegalArgumentException("EncodingAESKey is missing");
        }
        if (encodingAesKey.length() != KEY_CHARS) {
            throw new IllegalArgumentException("EncodingAESKey must be " + KEY_CHARS
                    + " characters, but has " + encodingAesKey.length());
        }
        for (int i = 0; i < KEY_CHARS; i++) {
            char c = encodingAesKey.charAt(i);
            boolean alphanumeric = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alphanumeric) {
                throw new IllegalArgumentException(
                        "EncodingAESKey must contain only A-Z, a-z and 0-9; position " + i + " does not");
            }
        }
        byte[] aesKey;
        try {
            // §5.1: the last character is usually non-canonical base64; the JDK basic decoder accepts it.
            aesKey = Base64.getDecoder().decode(encodingAesKey + "=");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("EncodingAESKey is not valid base64"); // cause would quote the key
        }
        if (aesKey.length != 32) {
            throw new IllegalArgumentException("EncodingAESKey must decode to 32 bytes, but gives " + aesKey.length);
        }
        return aesKey;
    }

    /** Encrypts a reply for WeChat; the result is the {@code Encrypt} value of §4. */
    public String encrypt(String plainXml) {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return encrypt(plainXml, random);
    }

    /** Fixed-random variant so tests can reproduce the published vectors. */
    String encrypt(String plainXml, byte[] random16) {
        Objects.requireNonNull(plainXml, "plainXml");
        if (random16.length != RANDOM_BYTES) {
            throw new IllegalArgumentException("random prefix must be " + RANDOM_BYTES + " bytes");
        }
        byte[] message = plainXml.getBytes(StandardCharsets.UTF_8);
        int unpadded = HEADER_BYTES + message.length + appIdBytes.length;
        int pad = PAD_BLOCK - unpadded % PAD_BLOCK; // 1..32: a full block when already aligned
        ByteBuffer plain = ByteBuffer.allocate(unpadded + pad)
                .put(random16)
                .putInt(message.length) // ByteBuffer is big-endian, as §5.3 requires
                .put(message)
                .put(appIdBytes);
        while (plain.hasRemaining()) {
            plain.put((byte) pad);
        }
        try {
            Cipher aes = AES.get();
            aes.init(Cipher.ENCRYPT_MODE, key, iv);
            return Base64.getEncoder().encodeToString(aes.doFinal(plain.array()));
        } catch (GeneralSecurityException e) {
            // Input cannot cause this: the key is validated and the length is block-aligned.
            throw new IllegalStateException("AES-256-CBC unavailable", e);
        } finally {
            Arrays.fill(plain.array(), (byte) 0);
        }
    }

    /**
     * Decrypts an {@code Encrypt} value and insists it was sealed for our appid (§5.6), so a packet
     * meant for another account sharing the key is refused.
     *
     * @throws WeChatCryptoException on any malformed or foreign packet
     */
    public String decrypt(String base64Encrypt) {
        Payload payload = open(base64Encrypt);
        if (!MessageDigest.isEqual(payload.appIdBytes(), appIdBytes)) {
            throw new WeChatCryptoException(Reason.APPID_MISMATCH, "packet is for a different appid");
        }
        return payload.message();
    }

    private record Payload(String message, byte[] appIdBytes) {
    }

    private Payload open(String base64Encrypt) {
        if (base64Encrypt == null) {
            throw new WeChatCryptoException(Reason.BAD_BASE64, "Encrypt is missing");
        }
        byte[] encrypted;
        try {
            encrypted = Base64.getDecoder().decode(base64Encrypt);
        } catch (IllegalArgumentException e) {
            throw new WeChatCryptoException(Reason.BAD_BASE64, "Encrypt is not valid base64");
        }
        if (encrypted.length == 0 || encrypted.length % 16 != 0) {
            throw new WeChatCryptoException(Reason.BAD_CIPHERTEXT,
                    "ciphertext of " + encrypted.length + " bytes is not a whole number of AES blocks");
        }
        byte[] plain;
        try {
            Cipher aes = AES.get();
            aes.init(Cipher.DECRYPT_MODE, key, iv);
            plain = aes.doFinal(encrypted);
        } catch (GeneralSecurityException e) {
            throw new WeChatCryptoException(Reason.BAD_CIPHERTEXT, "AES decryption failed", e);
        }
        try {
            return parse(plain);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static Cipher newAes() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC unavailable", e);
        }
    }

    private static Payload parse(byte[] plain) {
        // Stricter than the official sample, which treats a pad byte outside 1..32 as 0 (§5.4):
        // with the signature already checked, a bad pad means a wrong key, not a WeChat quirk.
        int pad = plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > PAD_BLOCK || pad > plain.length) {
            throw new WeChatCryptoException(Reason.BAD_PADDING, "pad byte out of range 1..32");
        }
        int end = plain.length - pad;
        for (int i = end; i < plain.length; i++) {
            if ((plain[i] & 0xff) != pad) {
                throw new WeChatCryptoException(Reason.BAD_PADDING, "pad bytes differ");
            }
        }
        if (end < HEADER_BYTES) {
            throw new WeChatCryptoException(Reason.BAD_LENGTH, "payload shorter than its header");
        }
        int messageLength = ByteBuffer.wrap(plain, RANDOM_BYTES, LENGTH_BYTES).getInt();
        if (messageLength < 0 || messageLength > end - HEADER_BYTES) {
            throw new WeChatCryptoException(Reason.BAD_LENGTH, "length field exceeds the payload");
        }
        int appIdStart = HEADER_BYTES + messageLength;
        return new Payload(
                new String(plain, HEADER_BYTES, messageLength, StandardCharsets.UTF_8),
                Arrays.copyOfRange(plain, appIdStart, end));
    }

    @Override
    public String toString() {
        return "WeChatCipher[appId=" + appId + "]";
    }
}
