package io.wxgate.ops;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces the values of secrets in log text with {@code ***}: access_token, AppSecret, the callback Token,
 * EncodingAESKey, jsapi tickets, API keys and passwords (DATASOURCE_PASSWORD, a password= in a JDBC URL or in a route's URI), in
 * query strings ({@code ?access_token=…&}), JSON ({@code "secret":"…"}, escaped or not), key=value and
 * {@code key: value} forms (including Spring Boot's {@code Property: … / Value: "…"}), and {@code Bearer}
 * credentials. Our own code never logs a secret; this is for the lines a library writes (an HTTP
 * client's request line, a binding error) and for mistakes.
 *
 * <p>Runs on every log line, so a line that names none of the secrets is returned as it is after one scan for
 * the trigger words, without touching a regular expression.
 */
public final class SecretMasking {

    public static final String MASK = "***";

    /** Characters a secret value may hold, up to a delimiter of the forms above (secrets are URL- and JSON-safe). */
    private static final String VALUE = "[^\\s\"'&,;<>(){}\\[\\]\\\\]+";
    /**
     * The words of a key that names a secret: token covers access_token and the callback Token; secret covers
     * appsecret and app-secret; aes-key covers EncodingAESKey; ticket covers jsapi_ticket.
     */
    private static final String SECRET_KEY = "(?:token|ticket|secret|aes[-_.]?key|api[-_.]?key|password)";
    /** A key that names a secret, its closing quote, the separator, the value's opening quote. */
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)(" + SECRET_KEY
            + "(?:\\\\?[\"'])?(?:\\s*[:=]\\s*|\\s*\\R\\s*Value:\\s*)(?:\\\\?[\"'])?)" + VALUE);
    /** A name whose value is a secret as a whole: the keys above, and a credential's header. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i)" + SECRET_KEY + "|authorization");
    private static final Pattern CREDENTIAL = Pattern.compile(
            "(?i)((?:\\bbearer|authorization\\\\?[\"']?\\s*[:=]\\s*\\\\?[\"']?basic)\\s+)" + VALUE);

    private SecretMasking() {
    }

    public static String mask(String text) {
        if (text == null || !mayHoldSecret(text)) {
            return text;
        }
        return CREDENTIAL.matcher(KEY_VALUE.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK)))
                .replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }

    /**
     * Whether a value filed under {@code name} is a secret whole, as a key-value pair or an MDC entry of a JSON log
     * line is ({@code appSecret}, {@code access_token}, {@code Authorization}): its text alone names no key to mask.
     */
    public static boolean namesSecret(String name) {
        return name != null && mayHoldSecret(name) && SECRET_NAME.matcher(name).find();
    }

    /** One pass over the text for the words every masked form contains, in any case. */
    static boolean mayHoldSecret(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            boolean found = switch (text.charAt(i) | 0x20) {
                case 't' -> text.regionMatches(true, i, "token", 0, 5) || text.regionMatches(true, i, "ticket", 0, 6);
                case 's' -> text.regionMatches(true, i, "secret", 0, 6);
                case 'p' -> text.regionMatches(true, i, "password", 0, 8);
                case 'a' -> text.regionMatches(true, i, "aes", 0, 3) || text.regionMatches(true, i, "api", 0, 3)
                        || text.regionMatches(true, i, "authorization", 0, 13);
                case 'b' -> text.regionMatches(true, i, "bearer", 0, 6);
                default -> false;
            };
            if (found) {
                return true;
            }
        }
        return false;
    }
}
