package io.wxgate.message;

/**
 * A callback body that wxgate refuses to read as a WeChat message.
 *
 * <p>The message is a short fixed reason chosen by wxgate. It never contains any part of the
 * rejected body, so it is safe to log and to map to a reply: a hostile body must not be able to
 * smuggle file contents or markup into logs through a parser error message. For the same reason
 * the parser exception is not attached as the cause.
 */
public class XmlRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public XmlRejectedException(String reason) {
        super(reason);
    }
}
