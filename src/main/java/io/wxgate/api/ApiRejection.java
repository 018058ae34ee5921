package io.wxgate.api;

/** A request the API refuses; status, message and the offending field are safe to show the caller. */
public final class ApiRejection extends RuntimeException {

    private final int status;
    private final String field;
    private final Integer errcode;
    private final String errmsg;

    public ApiRejection(int status, String message, String field) {
        this(status, message, field, null, null);
    }

    private ApiRejection(int status, String message, String field, Integer errcode, String errmsg) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
        this.errcode = errcode;
        this.errmsg = errmsg;
    }

    /** A refusal that passes on WeChat's own errcode and errmsg, e.g. for a web-authorization code it refused. */
    public static ApiRejection withWeChatAnswer(int status, String message, String field, Integer errcode,
            String errmsg) {
        return new ApiRejection(status, message, field, errcode, errmsg);
    }

    /** WeChat's errcode behind the refusal, null when WeChat did not refuse anything. */
    public Integer errcode() {
        return errcode;
    }

    public String errmsg() {
        return errmsg;
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
