package io.wxgate.account;

/**
 * A send or request named an AppId that is not among the accounts in force (SPEC §7). Such a send fails rather than
 * go out with another account's token.
 */
public class UnknownAccountException extends RuntimeException {

    /** An AppId is at most 64 characters (AccountsFile); a caller's header may be anything, so the message is cut. */
    private static final int SHOWN = 64;

    public UnknownAccountException(String appId) {
        super("no official account " + shown(appId) + " is configured", null, false, false);
    }

    private static String shown(String appId) {
        String printable = appId.replaceAll("[^\\x21-\\x7e]", "?");
        return printable.length() > SHOWN ? printable.substring(0, SHOWN) + "…" : printable;
    }
}
