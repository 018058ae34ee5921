package io.wxgate.token;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.wxgate.account.Account;
import io.wxgate.account.Accounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each official account's own access_token source (SPEC §7): a token error, a refresh or a fetch of one account
 * never touches another's. A source lives as long as its account does with the same AppSecret: an account removed
 * from the accounts file drops its source, and a changed AppSecret drops the token fetched with the old one.
 */
public final class AccessTokens {

    private static final Logger LOG = LoggerFactory.getLogger(AccessTokens.class);

    /** A source and the account (AppSecret included) it was made for. */
    private record Entry(Account account, AccessTokenSource source) {
    }

    private final Accounts accounts;
    private final Function<Account, AccessTokenSource> newSource;
    private final Map<String, Entry> sources = new ConcurrentHashMap<>();

    public AccessTokens(Accounts accounts, Function<Account, AccessTokenSource> newSource) {
        this.accounts = accounts;
        this.newSource = newSource;
        accounts.onChange(this::forgetChanged);
    }

    /**
     * The token source of account {@code appId}; the default account's when {@code appId} is absent.
     *
     * @throws io.wxgate.account.UnknownAccountException when no such account is in force
     */
    public AccessTokenSource of(String appId) {
        return of(accounts.require(appId));
    }

    public AccessTokenSource of(Account account) {
        Entry entry = sources.get(account.appId());
        if (entry != null && entry.account().appSecret().equals(account.appSecret())) {
            return entry.source();
        }
        // compute, not put: concurrent first callers must share one source, or each would fetch its own token.
        return sources.compute(account.appId(), (appId, old) ->
                old != null && old.account().appSecret().equals(account.appSecret()) ? old
                        : new Entry(account, newSource.apply(account))).source();
    }

    private void forgetChanged(Accounts.Snapshot snapshot) {
        sources.values().removeIf(entry -> {
            Account now = snapshot.byAppId().get(entry.account().appId());
            boolean gone = now == null || !now.appSecret().equals(entry.account().appSecret());
            if (gone && now != null) {
                entry.source().discard();
            }
            if (gone) {
                LOG.info("Dropped the access_token of {}: the account was {}", entry.account().appId(),
                        now == null ? "removed" : "given another AppSecret");
            }
            return gone;
        });
    }
}
