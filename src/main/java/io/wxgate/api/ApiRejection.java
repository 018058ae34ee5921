package io.wxgate.api;

/** A request the API refuses; status, message and the offending field are safe to show the caller. */
public final class ApiRejection extends RuntimeException {

    private final int status;
    private final String field;

    public ApiRejection(int status, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    static ApiRejection badField(String field, String problem) {
        return new ApiRejection(400, field + " " + problem, field);
    }
}
