package io.wxgate.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * WeChat's callback signatures: lower-case hex SHA-1 over the sorted, concatenated parts.
 * The same rule yields {@code signature} (token, timestamp, nonce; wechat-protocol.md §1) and
 * {@code msg_signature} (token, timestamp, nonce, Encrypt; §2 and §5.5).
 */
public final class Signatures {

    // Every callback is signed, so avoid a provider lookup per request; MessageDigest is not thread-safe.
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(Signatures::newSha1);
    private static final HexFormat HEX = HexFormat.of(); // lower-case, as WeChat sends it

    private Signatures() {
    }

    /** Signs the parts in any order: WeChat sorts them by plain string order before hashing (§1). */
    public static String sign(String... parts) {
        String[] sorted = parts.clone();
        for (int i = 0; i < sorted.length; i++) {
            Objects.requireNonNull(sorted[i], "signature part is null");
        }
        Arrays.sort(sorted);
        MessageDigest sha1 = SHA1.get();
        sha1.reset();
        for (String part : sorted) {
            sha1.update(part.getBytes(StandardCharsets.UTF_8));
        }
        return HEX.formatHex(sha1.digest());
    }

    /**
     * Compares in constant time so a caller cannot learn the expected signature byte by byte.
     * Deliberately case-sensitive: WeChat sends lower-case hex and {@link #sign} produces it.
     */
    public static boolean matches(String expected, String provided) {
        Objects.requireNonNull(expected, "expected signature");
        if (provided == null) {
            return false;
        }
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), provided.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-1", e);
        }
    }
}
