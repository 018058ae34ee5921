package io.wxgate.store;

/** Cluster-mode key names: {@code <prefix><appId>:<kind>:<id>}, so several accounts and gateways share a Redis. */
public record RedisKeys(String prefix, String appId) {

    public String of(String kind, String id) {
        return prefix + appId + ':' + kind + ':' + id;
    }

    public String of(String kind) {
        return prefix + appId + ':' + kind;
    }
}
