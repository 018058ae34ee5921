package io.wxgate.ops;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.wxgate.ops.OperatorAlerts.Alert;

/**
 * Where the operator alerts in force are kept: in the process by default, in Redis in cluster mode, so that every
 * instance lists, shows in health and clears the same alerts (SPEC §6).
 */
public interface AlertStore {

    /**
     * Records one occurrence ({@code count} 1): the alert in force takes its errmsg, api and time, and one more to its
     * count. True when this occurrence raised the alert, none of its account and errcode being in force.
     */
    boolean record(Alert occurrence);

    /** Every alert in force, in no particular order. */
    List<Alert> all();

    /** Clears one alert; the alert as it was, if it was in force. */
    Optional<Alert> remove(String appid, int errcode);

    /** The alerts of this process only. */
    final class Local implements AlertStore {

        private record Key(String appid, int errcode) {
        }

        private final Map<Key, Alert> active = new ConcurrentHashMap<>();

        @Override
        public boolean record(Alert occurrence) {
            Key key = new Key(occurrence.appid(), occurrence.errcode());
            boolean[] raised = {false};
            active.compute(key, (k, old) -> {
                raised[0] = old == null;
                return old == null ? occurrence : new Alert(old.appid(), old.errcode(), occurrence.errmsg(),
                        occurrence.api(), occurrence.lastSeen(), old.count() + 1);
            });
            return raised[0];
        }

        @Override
        public List<Alert> all() {
            return List.copyOf(active.values());
        }

        @Override
        public Optional<Alert> remove(String appid, int errcode) {
            return Optional.ofNullable(active.remove(new Key(appid, errcode)));
        }
    }
}
