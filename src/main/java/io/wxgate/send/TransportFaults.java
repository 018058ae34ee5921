package io.wxgate.send;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;

/**
 * Which transport faults happened before the request could reach WeChat. Only those are safe to repeat for
 * any send; after a read timeout WeChat may have delivered the message (WxJava#2098), so only a template
 * send, which WeChat dedupes by client_msg_id, is repeated then.
 */
public final class TransportFaults {

    /** Faults that fail over to the next base URL: the request never left. */
    @SuppressWarnings("unchecked")
    public static final Class<? extends Throwable>[] BEFORE_SENDING = new Class[] {
        ConnectException.class, HttpHostConnectException.class, ConnectTimeoutException.class,
        UnknownHostException.class, NoRouteToHostException.class
    };

    private TransportFaults() {
    }

    public static boolean beforeSending(Throwable fault) {
        for (Throwable t = fault; t != null; t = t.getCause()) {
            for (Class<? extends Throwable> type : BEFORE_SENDING) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }
}
