package io.wxgate.simulator;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What a test told the simulator to do wrong, per request path: a queue of one-shot faults and a standing delay. */
final class ScriptedFaults {

    enum Kind { ERRCODE, HTTP_STATUS, DROP_BEFORE_WORK, DROP_AFTER_WORK }

    record Fault(Kind kind, int code) {
    }

    private final Map<String, Deque<Fault>> queued = new HashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();

    synchronized void add(String path, int count, Fault fault) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        Deque<Fault> queue = queued.computeIfAbsent(path, p -> new ArrayDeque<>());
        for (int i = 0; i < count; i++) {
            queue.addLast(fault);
        }
    }

    /** The fault this call on path must suffer, used up by the asking; null for a normal answer. */
    synchronized Fault next(String path) {
        Deque<Fault> queue = queued.get(path);
        return queue == null ? null : queue.pollFirst();
    }

    void delay(String path, Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        if (delay.isZero()) {
            delays.remove(path);
        } else {
            delays.put(path, delay);
        }
    }

    Duration delayOf(String path) {
        return delays.getOrDefault(path, Duration.ZERO);
    }

    synchronized void clear() {
        queued.clear();
        delays.clear();
    }
}
