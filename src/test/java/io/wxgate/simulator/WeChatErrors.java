package io.wxgate.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The errcode/errmsg bodies the simulator answers with, worded as WeChat words them (wechat-protocol.md §8). */
final class WeChatErrors {

    private WeChatErrors() {
    }

    static Map<String, Object> ok() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("errcode", 0);
        answer.put("errmsg", "ok");
        return answer;
    }

    static Map<String, Object> error(int errcode) {
        return error(errcode, message(errcode));
    }

    static Map<String, Object> error(int errcode, String errmsg) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("errcode", errcode);
        // §8: every errmsg WeChat sends ends with a request id; clients must switch on errcode, never on the text.
        answer.put("errmsg", errmsg + " rid: " + rid());
        return answer;
    }

    static String message(int errcode) {
        return switch (errcode) {
            case -1 -> "system error";
            case 40001 -> "invalid credential, access_token is invalid or not latest";
            case 40002 -> "invalid grant_type";
            case 40003 -> "invalid openid";
            case 40008 -> "invalid message type";
            case 40013 -> "invalid appid";
            case 40014 -> "invalid access_token";
            case 40029 -> "invalid code";
            case 40037 -> "invalid template_id";
            case 40125 -> "invalid appsecret";
            case 40163 -> "code been used";
            case 40164 -> "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist";
            case 41001 -> "access_token missing";
            case 41002 -> "appid missing";
            case 41004 -> "appsecret missing";
            case 41008 -> "missing code";
            case 42001 -> "access_token expired";
            case 42003 -> "code expired";
            case 43002 -> "require POST method";
            case 43004 -> "require subscribe";
            case 43019 -> "require remove blacklist";
            case 43101 -> "user refuse to accept the msg";
            case 45009 -> "reach max api daily quota limit";
            case 45011 -> "api minute-quota reach limit  mustslower  retry next minute";
            case 45015 -> "response out of time limit or subscription is canceled";
            case 45047 -> "out of response count limit";
            case 47001 -> "data format error";
            case 47003 -> "argument invalid!";
            case 48001 -> "api unauthorized";
            case 48004 -> "api forbidden for irregularities";
            case 89503 -> "this IP call needs to be confirmed by the admin";
            default -> "simulated error";
        };
    }

    private static String rid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%08x-%08x-%08x", random.nextInt(), random.nextInt(), random.nextInt());
    }
}
