package io.wxgate.account;

/**
 * An accounts file that does not validate. The message names the file, the entry (by its {@code app-id}, else its
 * position) and the key, and never a value: most values in that file are secrets.
 */
public final class AccountsFileException extends RuntimeException {

    public AccountsFileException(String message) {
        super(message);
    }
}
