package io.wxgate.account;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.wxgate.config.TextYaml;


/**
 * Reads and validates the accounts file of SPEC §7: a YAML list, one mapping per account. A file is taken whole or
 * not at all; the first problem found is reported with the entry and the key, never a value.
 *
 * <p>Read by {@link TextYaml}: every scalar is text (a Token such as {@code 0123} stays {@code 0123}), so only
 * {@code require-encryption} is a boolean, parsed here.
 */
public final class AccountsFile {

    static final String APP_ID = "app-id";
    static final String APP_SECRET = "app-secret";
    static final String TOKEN = "token";
    static final String ENCODING_AES_KEY = "encoding-aes-key";
    static final String PREVIOUS_ENCODING_AES_KEY = "previous-encoding-aes-key";
    static final String REQUIRE_ENCRYPTION = "require-encryption";
    static final String API_KEY = "api-key";
    static final String MENU_FILE = "menu-file";
    private static final Set<String> KEYS = Set.of(APP_ID, APP_SECRET, TOKEN, ENCODING_AES_KEY,
            PREVIOUS_ENCODING_AES_KEY, REQUIRE_ENCRYPTION, API_KEY, MENU_FILE);

    // The AppId travels in URL paths, Redis keys, broker names and metric tags: keep it to safe characters.
    private static final Pattern APP_ID_SHAPE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern AES_KEY_SHAPE = Pattern.compile("[A-Za-z0-9]{43}");
    private static final int MAX_CODE_POINTS = 16 * 1024 * 1024;

    private final String defaultAppId;
    private final String globalApiKey;

    /**
     * @param defaultAppId the default account's AppId, which no entry may take
     * @param globalApiKey {@code GATEWAY_API_KEY} (empty when unset), which no account's own key may equal
     */
    public AccountsFile(String defaultAppId, String globalApiKey) {
        this.defaultAppId = defaultAppId;
        this.globalApiKey = globalApiKey == null ? "" : globalApiKey;
    }

    /** @param source names the file in messages */
    public List<Account> parse(String text, String source) {
        Object root = load(text, source);
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof List<?> entries)) {
            throw new AccountsFileException(source + ": must be a YAML list of accounts (\"- app-id: …\")");
        }
        List<Account> accounts = new ArrayList<>(entries.size());
        Set<String> appIds = new HashSet<>();
        Map<String, String> apiKeys = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Account account = entry(entries.get(i), i + 1, source);
            String name = source + ": account " + account.appId();
            if (account.appId().equals(defaultAppId)) {
                throw new AccountsFileException(name + ", key " + APP_ID
                        + ": is the default account's AppId (WECHAT_APP_ID); list each account once");
            }
            if (!appIds.add(account.appId())) {
                throw new AccountsFileException(name + ", key " + APP_ID + ": appears twice in the file");
            }
            if (account.hasApiKey()) {
                if (account.apiKey().equals(globalApiKey)) {
                    throw new AccountsFileException(name + ", key " + API_KEY
                            + ": equals GATEWAY_API_KEY, which acts on every account; give the account its own key");
                }
                String other = apiKeys.putIfAbsent(account.apiKey(), account.appId());
                if (other != null) {
                    throw new AccountsFileException(name + ", key " + API_KEY + ": is also account " + other
                            + "'s key; each account needs its own");
                }
            }
            accounts.add(account);
        }
        return List.copyOf(accounts);
    }

    private Account entry(Object raw, int position, String source) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw new AccountsFileException(source + ": entry #" + position + " must be a mapping of keys");
        }
        Object id = map.get(APP_ID);
        String name = source + ": " + (id instanceof String s && APP_ID_SHAPE.matcher(s.trim()).matches()
                ? "account " + s.trim() : "entry #" + position);
        for (Object key : map.keySet()) {
            if (!KEYS.contains(key)) {
                throw new AccountsFileException(name + ": unknown key " + printableKey(key) + " (known: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String appId = text(map, APP_ID, name);
        if (appId.isEmpty()) {
            throw new AccountsFileException(name + ", key " + APP_ID + ": must be set");
        }
        if (!APP_ID_SHAPE.matcher(appId).matches()) {
            throw new AccountsFileException(name + ", key " + APP_ID + ": must be 1 to 64 characters of A-Z a-z 0-9 _ -");
        }
        String appSecret = required(map, APP_SECRET, name);
        String token = required(map, TOKEN, name);
        String aesKey = aesKey(map, ENCODING_AES_KEY, name);
        String previousAesKey = aesKey(map, PREVIOUS_ENCODING_AES_KEY, name);
        if (!previousAesKey.isEmpty() && aesKey.isEmpty()) {
            throw new AccountsFileException(name + ", key " + PREVIOUS_ENCODING_AES_KEY
                    + ": needs encoding-aes-key, the key that replaces it");
        }
        boolean requireEncryption = flag(map, REQUIRE_ENCRYPTION, name);
        if (requireEncryption && aesKey.isEmpty()) {
            throw new AccountsFileException(name + ", key " + REQUIRE_ENCRYPTION
                    + ": needs encoding-aes-key (plain mode is all that is left without it)");
        }
        String apiKey = text(map, API_KEY, name);
        if (map.containsKey(API_KEY) && apiKey.isEmpty()) {
            throw new AccountsFileException(name + ", key " + API_KEY + ": is empty; remove the key or give it a value");
        }
        String menuFile = text(map, MENU_FILE, name);
        if (map.containsKey(MENU_FILE) && menuFile.isEmpty()) {
            throw new AccountsFileException(name + ", key " + MENU_FILE + ": is empty; remove the key or give it a value");
        }
        return new Account(appId, appSecret, token, aesKey, previousAesKey, requireEncryption, apiKey, menuFile);
    }

    private static String required(Map<?, ?> map, String key, String name) {
        String value = text(map, key, name);
        if (value.isEmpty()) {
            throw new AccountsFileException(name + ", key " + key + ": must be set");
        }
        return value;
    }

    private static String aesKey(Map<?, ?> map, String key, String name) {
        String value = text(map, key, name);
        if (!value.isEmpty() && !AES_KEY_SHAPE.matcher(value).matches()) {
            throw new AccountsFileException(name + ", key " + key + ": must be exactly 43 characters of [A-Za-z0-9], "
                    + "or empty; got " + value.length() + " characters");
        }
        return value;
    }

    private static boolean flag(Map<?, ?> map, String key, String name) {
        String value = text(map, key, name);
        if (value.isEmpty() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new AccountsFileException(name + ", key " + key + ": must be true or false");
    }

    private static String text(Map<?, ?> map, String key, String name) {
        Object value = map.get(key);
        if (value == null) {
            return "";
        }
        if (!(value instanceof String s)) {
            throw new AccountsFileException(name + ", key " + key + ": must be a single value, not a list or mapping");
        }
        return s.trim();
    }

    private static String printableKey(Object key) {
        String s = String.valueOf(key);
        // A key is no secret, but a mistyped line may have put a value where a key belongs.
        return s.length() <= 40 && s.matches("[A-Za-z0-9_.-]+") ? "'" + s + "'" : "(a key that is not a name)";
    }

    private static Object load(String text, String source) {
        try {
            return TextYaml.load(text, source, MAX_CODE_POINTS);
        } catch (IllegalArgumentException e) {
            throw new AccountsFileException(e.getMessage());
        }
    }
}
