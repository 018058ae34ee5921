package io.wxgate.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import io.wxgate.crypto.Sha256;

/**
 * What the embedded default remembers of each callback for a window: a concurrent map whose keys are held as
 * 128-bit digests (the first half of their SHA-256) in open-addressed arrays, each entry gone a fixed window after it
 * was made.
 *
 * <p>Why not a Caffeine cache: at thousands of callbacks a second a 10-minute window holds millions of entries, and a
 * cache entry costs its key's String (about 80 bytes for a dedupe key), a hash-map node (32) and a cache node (40)
 * before any value. Here an entry is 24 bytes of arrays (16 of digest, 4 of end time, 4 of value reference) in tables
 * kept between half and three quarters full: 32 to 48 bytes, 44 measured (bench/README.md, "What a message keeps in
 * memory").
 *
 * <p>Digests instead of keys: two distinct keys collide with probability 2<sup>-128</sup>; a window of n entries
 * holds a colliding pair with probability under n²/2<sup>129</sup>, about 10<sup>-25</sup> for ten million entries,
 * so no delivery is ever taken for another. A deliberate collision needs about 2<sup>64</sup> SHA-256 computations,
 * and buys nothing: whoever can make the gateway accept a callback already chooses its MsgId.
 *
 * <p>An entry made at time t is kept at least until t + window and is gone within one more second (end times are held
 * in whole seconds). Expired entries are dropped when their stripe is rebuilt: when it is three quarters full, and at
 * the first use of the stripe after each window. Concurrency: the table is split in {@value #STRIPES} stripes by
 * digest, each guarded by its own lock, held only for a lookup or an insert (and, rarely, a rebuild of that stripe).
 *
 * @param <V> the value kept with each key; null is not a value (it means absent)
 */
final class DigestTable<V> {

    static final int STRIPES = 256;
    private static final int MIN_SLOTS = 16;
    /** End times, in seconds since the table was made: a slot never written stops every probe; a removed one not. */
    private static final int NEVER_USED = 0;
    private static final int REMOVED = -1;
    private static final VarHandle LONG_AT = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long windowNanos;
    private final int windowSeconds;
    private final LongSupplier nanoTime;
    private final long epoch;
    private final Stripe[] stripes = new Stripe[STRIPES];

    DigestTable(Duration window) {
        this(window, System::nanoTime);
    }

    /** @param nanoTime a monotonic clock, {@link System#nanoTime} but in tests */
    DigestTable(Duration window, LongSupplier nanoTime) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.windowNanos = window.toNanos();
        this.windowSeconds = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(1, window.toSeconds()));
        this.nanoTime = nanoTime;
        this.epoch = nanoTime.getAsLong();
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(MIN_SLOTS, windowSeconds);
        }
    }

    /** The value kept for the key, or null when none is (never put, removed, or its window is over). */
    V get(String key) {
        byte[] digest = Sha256.of(key);
        long hi = (long) LONG_AT.get(digest, 0);
        long lo = (long) LONG_AT.get(digest, 8);
        Stripe stripe = stripes[stripeOf(hi)];
        synchronized (stripe) {
            int i = stripe.findLive(hi, lo, now());
            return i < 0 ? null : value(stripe, i);
        }
    }

    /**
     * Atomically replaces the value kept for the key by {@code change} applied to it (null when the key has none):
     * a key without a value gets one with a new window; a kept key keeps its window and gets the new value, or is
     * removed if {@code change} answers null. {@code change} runs under the stripe's lock: keep it short.
     *
     * @return the value kept before, or null
     */
    V update(String key, UnaryOperator<V> change) {
        byte[] digest = Sha256.of(key);
        long hi = (long) LONG_AT.get(digest, 0);
        long lo = (long) LONG_AT.get(digest, 8);
        Stripe stripe = stripes[stripeOf(hi)];
        synchronized (stripe) {
            int now = now();
            if (now >= stripe.sweepAt) {
                stripe.rebuild(now, windowSeconds);
            }
            int capacity = stripe.ends.length;
            int i = slotOf(lo, capacity);
            int reusable = -1;
            while (stripe.ends[i] != NEVER_USED) {
                boolean live = stripe.ends[i] > now;
                if (stripe.keys[2 * i] == hi && stripe.keys[2 * i + 1] == lo) {
                    if (live) {
                        V before = value(stripe, i);
                        V after = change.apply(before);
                        if (after == null) {
                            stripe.remove(i);
                        } else {
                            stripe.values[i] = after;
                        }
                        return before;
                    }
                    // Its own expired entry: the key is in no other live slot, as inserts look for it first.
                    reusable = reusable < 0 ? i : reusable;
                    break;
                }
                if (!live && reusable < 0) {
                    reusable = i;
                }
                i = i + 1 == capacity ? 0 : i + 1;
            }
            V made = change.apply(null);
            if (made != null) {
                int at = reusable >= 0 ? reusable : i;
                if (reusable < 0) {
                    stripe.used++;
                }
                stripe.keys[2 * at] = hi;
                stripe.keys[2 * at + 1] = lo;
                stripe.ends[at] = endOfWindow();
                stripe.values[at] = made;
                if (stripe.used > capacity / 4 * 3) {
                    stripe.rebuild(now, windowSeconds);
                }
            }
            return null;
        }
    }

    /** Forgets the key; true if a value was kept for it. */
    boolean remove(String key) {
        return update(key, kept -> null) != null;
    }

    void clear() {
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                stripe.reset(MIN_SLOTS, now() + windowSeconds);
            }
        }
    }

    /** Keys kept now. Counts every slot: for tests and measurements, not for the callback path. */
    int size() {
        int now = now();
        int size = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                size += stripe.live(now);
            }
        }
        return size;
    }

    /** Slots allocated, kept or not: what the table costs is about 24 bytes per slot. */
    long slots() {
        long slots = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                slots += stripe.ends.length;
            }
        }
        return slots;
    }

    private int now() {
        return (int) ((nanoTime.getAsLong() - epoch) / NANOS_PER_SECOND);
    }

    /** The first whole second after the window of an entry made now: never {@link #NEVER_USED}. */
    private int endOfWindow() {
        return (int) ((nanoTime.getAsLong() - epoch + windowNanos) / NANOS_PER_SECOND) + 1;
    }

    @SuppressWarnings("unchecked")
    private static <V> V value(Stripe stripe, int i) {
        return (V) stripe.values[i];
    }

    private static int stripeOf(long hi) {
        return (int) (hi >>> 56) & (STRIPES - 1);
    }

    /** Maps the digest's low half onto [0, capacity) without a power-of-two capacity (Lemire's multiply-shift). */
    private static int slotOf(long lo, int capacity) {
        return (int) (((lo >>> 32) * capacity) >>> 32);
    }

    /** One lock's share of the table. Slot i: keys[2i], keys[2i+1] the digest, ends[i] its end, values[i] its value. */
    private static final class Stripe {

        long[] keys;
        int[] ends;
        Object[] values;
        /** Slots ever written since the last rebuild: kept, expired and removed ones. */
        int used;
        /** The second from which the next use of this stripe first drops its expired entries. */
        int sweepAt;

        Stripe(int slots, int sweepAt) {
            reset(slots, sweepAt);
        }

        void reset(int slots, int nextSweep) {
            keys = new long[2 * slots];
            ends = new int[slots];
            values = new Object[slots];
            used = 0;
            sweepAt = nextSweep;
        }

        int findLive(long hi, long lo, int now) {
            int capacity = ends.length;
            int i = slotOf(lo, capacity);
            while (ends[i] != NEVER_USED) {
                if (keys[2 * i] == hi && keys[2 * i + 1] == lo && ends[i] > now) {
                    return i;
                }
                i = i + 1 == capacity ? 0 : i + 1;
            }
            return -1;
        }

        void remove(int i) {
            // The slot stays in the probe chains of the keys after it; a rebuild frees it.
            ends[i] = REMOVED;
            values[i] = null;
        }

        int live(int now) {
            int live = 0;
            for (int end : ends) {
                live += end > now ? 1 : 0;
            }
            return live;
        }

        /** Copies the kept entries into tables sized for them at half full, dropping expired and removed ones. */
        void rebuild(int now, int windowSeconds) {
            long[] oldKeys = keys;
            int[] oldEnds = ends;
            Object[] oldValues = values;
            int live = live(now);
            reset(Math.max(MIN_SLOTS, 2 * live), now + windowSeconds);
            int capacity = ends.length;
            for (int j = 0; j < oldEnds.length; j++) {
                if (oldEnds[j] > now) {
                    long lo = oldKeys[2 * j + 1];
                    int i = slotOf(lo, capacity);
                    while (ends[i] != NEVER_USED) {
                        i = i + 1 == capacity ? 0 : i + 1;
                    }
                    keys[2 * i] = oldKeys[2 * j];
                    keys[2 * i + 1] = lo;
                    ends[i] = oldEnds[j];
                    values[i] = oldValues[j];
                }
            }
            used = live;
        }
    }
}
