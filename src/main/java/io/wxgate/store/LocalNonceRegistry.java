package io.wxgate.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The nonce binding of one JVM. A nonce is kept as a 128-bit digest (DigestTable) with the first 64 bits of its
 * body's SHA-256: about 55 bytes, where a cache of its string key and the digest's Base64 took 280 (bench/README.md).
 *
 * <p>64 bits of the body's digest are enough because only a forger ever presents another body with a nonce: to pass,
 * a body must match those 64 bits of the first body's SHA-256, about 2<sup>64</sup> SHA-256 computations for each
 * captured request, to be done before its timestamp leaves the window (a few minutes). WeChat's own retries send the
 * very same body.
 */
public final class LocalNonceRegistry implements NonceRegistry {

    private static final VarHandle LONG_AT = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final DigestTable<Long> seen;

    /** @param window at least twice the timestamp window: a timestamp is accepted that far either side of now */
    public LocalNonceRegistry(Duration window) {
        this.seen = new DigestTable<>(window);
    }

    LocalNonceRegistry(Duration window, LongSupplier nanoTime) {
        this.seen = new DigestTable<>(window, nanoTime);
    }

    @Override
    public boolean bind(String timestampAndNonce, byte[] bodySha256) {
        Long body = (long) LONG_AT.get(bodySha256, 0);
        Long first = seen.update(timestampAndNonce, kept -> kept == null ? body : kept);
        return first == null || first.equals(body);
    }
}
