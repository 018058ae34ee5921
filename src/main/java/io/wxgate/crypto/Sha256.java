package io.wxgate.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 on the callback path, where a digest is taken several times per request. */
public final class Sha256 {

    // One per thread: a MessageDigest is not thread-safe, and looking one up per callback costs more than hashing.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Sha256::newSha256);

    private Sha256() {
    }

    public static byte[] of(byte[] data) {
        return SHA256.get().digest(data);
    }

    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
