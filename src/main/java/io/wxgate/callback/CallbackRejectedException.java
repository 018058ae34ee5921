package io.wxgate.callback;

/** A callback refused before anything was processed; the reason is safe to show the caller. */
public final class CallbackRejectedException extends RuntimeException {

    private final int status;

    public CallbackRejectedException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static CallbackRejectedException badRequest(String reason) {
        return new CallbackRejectedException(400, reason);
    }

    static CallbackRejectedException forbidden(String reason) {
        return new CallbackRejectedException(403, reason);
    }
}
