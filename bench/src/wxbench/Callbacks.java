package wxbench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.wxgate.crypto.Signatures;
import io.wxgate.crypto.WeChatCipher;

/**
 * WeChat's side of /wechat/callback for the load generator: text messages signed as WeChat signs them (a fresh
 * nonce and SHA-1 signature per delivery), encrypted in safe mode, and the checks of the answers.
 */
final class Callbacks {

    static final String ACCOUNT = "gh_bench_account";
    static final String NO_KEYWORD = "ping from the benchmark";
    static final String KEYWORD = "help";
    static final byte[] SUCCESS_BYTES = "success".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED_PREFIX = "<xml><Encrypt><![CDATA[".getBytes(StandardCharsets.US_ASCII);

    /** Unique across everything this driver sends to one gateway. */
    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() * 1000);

    private final String host;
    private final int port;
    /** /wechat/callback, or /wechat/callback/{appId} for an account of the accounts file (--accounts). */
    private final String path;
    private final String token;
    private final String appId;
    private final SecretKeySpec key;
    private final IvParameterSpec iv;
    private final byte[] appIdBytes;
    private final WeChatCipher cipher;
    private final String encodingAesKey;
    private final ThreadLocal<Cipher> aes = ThreadLocal.withInitial(Callbacks::newAes);
    /** The Content of the keyword reply, learnt from the gateway once (see {@link #calibrate}). */
    volatile String expectedReply;

    Callbacks(String host, int port, String path, String token, String appId, String encodingAesKey) {
        this.host = host;
        this.port = port;
        this.path = path;
        this.token = token;
        this.appId = appId;
        byte[] k = Base64.getDecoder().decode(encodingAesKey + "=");
        this.key = new SecretKeySpec(k, "AES");
        this.iv = new IvParameterSpec(k, 0, 16);
        this.appIdBytes = appId.getBytes(StandardCharsets.UTF_8);
        this.cipher = new WeChatCipher(encodingAesKey, appId);
        this.encodingAesKey = encodingAesKey;
    }

    /** The same account's callbacks, sent to another port. */
    Callbacks at(int otherPort) {
        Callbacks c = new Callbacks(host, otherPort, path, token, appId, encodingAesKey);
        c.expectedReply = expectedReply;
        return c;
    }

    // ---- requests

    static String messageXml(String from, long createTime, String content, long msgId) {
        return "<xml><ToUserName><![CDATA[" + ACCOUNT + "]]></ToUserName><FromUserName><![CDATA[" + from
                + "]]></FromUserName><CreateTime>" + createTime + "</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                + "<Content><![CDATA[" + content + "]]></Content><MsgId>" + msgId + "</MsgId></xml>";
    }

    static String userOf(long msgId) {
        return "o-bench-user-" + (msgId % 100_000);
    }

    /** A signed callback request, encrypted when safe (random16 seeds the packet's random prefix). */
    byte[] request(boolean safe, String messageXml, String from, String timestamp, String nonce, long random16Seed) {
        String signature = Signatures.sign(token, timestamp, nonce);
        StringBuilder uri = new StringBuilder(200).append(path).append("?signature=").append(signature)
                .append("&timestamp=").append(timestamp).append("&nonce=").append(nonce).append("&openid=").append(from);
        byte[] body;
        if (safe) {
            String encrypted = encrypt(messageXml, random16Seed);
            uri.append("&encrypt_type=aes&msg_signature=").append(Signatures.sign(token, timestamp, nonce, encrypted));
            body = ("<xml><ToUserName><![CDATA[" + ACCOUNT + "]]></ToUserName><Encrypt><![CDATA[" + encrypted
                    + "]]></Encrypt></xml>").getBytes(StandardCharsets.UTF_8);
        } else {
            body = messageXml.getBytes(StandardCharsets.UTF_8);
        }
        return RawHttp.request("POST", uri.toString(), host + ":" + port, "text/xml", null, body);
    }

    byte[] echoRequest(String echostr) {
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        String nonce = Long.toString(IDS.incrementAndGet());
        return RawHttp.request("GET", path + "?signature=" + Signatures.sign(token, ts, nonce) + "&timestamp="
                + ts + "&nonce=" + nonce + "&echostr=" + echostr, host + ":" + port, null, null, null);
    }

    /**
     * WXBizMsgCrypt encryption (random16 | length | message | appid, padded to 32, AES-256-CBC, IV = key[0..16]),
     * written here because the gateway's own encrypt draws its random prefix itself: a retry must resend the very
     * same bytes, so the prefix comes from a seed.
     */
    String encrypt(String plainXml, long seed) {
        byte[] message = plainXml.getBytes(StandardCharsets.UTF_8);
        int unpadded = 20 + message.length + appIdBytes.length;
        int pad = 32 - unpadded % 32;
        byte[] random = new byte[16];
        new SplittableRandom(seed).nextBytes(random);
        ByteBuffer plain = ByteBuffer.allocate(unpadded + pad).put(random).putInt(message.length).put(message)
                .put(appIdBytes);
        while (plain.hasRemaining()) {
            plain.put((byte) pad);
        }
        try {
            Cipher c = aes.get();
            c.init(Cipher.ENCRYPT_MODE, key, iv);
            return Base64.getEncoder().encodeToString(c.doFinal(plain.array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Cipher newAes() {
        try {
            return Cipher.getInstance("AES/CBC/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- answers

    /** REPLY if the passive reply is the keyword reply for this user, else OTHER. */
    int checkPlainReply(String answer, String from) {
        if (!answer.startsWith("<xml>") || !answer.contains("<ToUserName><![CDATA[" + from + "]]></ToUserName>")
                || !answer.contains("<MsgType><![CDATA[text]]></MsgType>")) {
            return Load.OTHER;
        }
        String content = between(answer, "<Content><![CDATA[", "]]></Content>");
        if (content == null || content.isEmpty()) {
            return Load.OTHER;
        }
        String expected = expectedReply;
        return expected == null || expected.equals(content) ? Load.REPLY : Load.OTHER;
    }

    /** Opens a safe-mode answer as WeChat would: checks MsgSignature, TimeStamp, Nonce, then decrypts. */
    int checkSafeReply(String answer, String from, String timestamp, String nonce) {
        String encrypted = between(answer, "<Encrypt><![CDATA[", "]]></Encrypt>");
        String signature = between(answer, "<MsgSignature><![CDATA[", "]]></MsgSignature>");
        String ts = between(answer, "<TimeStamp>", "</TimeStamp>");
        String n = between(answer, "<Nonce><![CDATA[", "]]></Nonce>");
        if (encrypted == null || signature == null || !timestamp.equals(ts) || !nonce.equals(n)
                || !Signatures.sign(token, ts, n, encrypted).equals(signature)) {
            return Load.OTHER;
        }
        try {
            return checkPlainReply(cipher.decrypt(encrypted), from);
        } catch (RuntimeException e) {
            return Load.OTHER;
        }
    }

    static String between(String s, String start, String end) {
        int i = s.indexOf(start);
        if (i < 0) {
            return null;
        }
        int j = s.indexOf(end, i + start.length());
        return j < 0 ? null : s.substring(i + start.length(), j);
    }

    /** Sends one plain keyword message and learns the reply text all later answers are compared with. */
    String calibrate() throws java.io.IOException {
        long id = IDS.incrementAndGet();
        String from = userOf(id);
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        RawHttp http = new RawHttp(host, port, 15_000);
        try {
            http.exchange(request(false, messageXml(from, Long.parseLong(ts), KEYWORD, id), from, ts,
                    Long.toString(id), 0));
            String answer = http.bodyText();
            String content = between(answer, "<Content><![CDATA[", "]]></Content>");
            if (http.status != 200 || content == null || content.isEmpty()) {
                throw new IllegalStateException("the keyword '" + KEYWORD + "' got no passive reply: HTTP "
                        + http.status + " " + Load.abbreviate(answer));
            }
            expectedReply = content;
            return content;
        } finally {
            http.close();
        }
    }

    // ---- scenarios

    /** Plain mode, a unique MsgId and a fresh nonce per request; keyword: the answer is the passive reply. */
    Load.Scenario plain(boolean keyword) {
        return scenario(keyword ? "plain, keyword reply" : "plain, no reply", false, keyword, 1);
    }

    /** Safe mode (encrypt_type=aes); every verifyEvery-th answer is fully opened, the others shape-checked. */
    Load.Scenario safe(boolean keyword, int verifyEvery) {
        return scenario(keyword ? "safe, keyword reply" : "safe, no reply", true, keyword, verifyEvery);
    }

    private Load.Scenario scenario(String name, boolean safe, boolean keyword, int verifyEvery) {
        return new Load.Scenario() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int expected() {
                return keyword ? Load.REPLY : Load.SUCCESS;
            }

            @Override
            public Load.Client client(int index, int connections) {
                return new Load.Client() {
                    String from;
                    String ts;
                    String nonce;
                    long sent;

                    @Override
                    public byte[] next() {
                        long id = IDS.incrementAndGet();
                        long now = System.currentTimeMillis() / 1000;
                        from = userOf(id);
                        ts = Long.toString(now);
                        nonce = Long.toString(id);
                        sent++;
                        return request(safe, messageXml(from, now, keyword ? KEYWORD : NO_KEYWORD, id), from, ts,
                                nonce, ThreadLocalRandom.current().nextLong());
                    }

                    @Override
                    public int check(RawHttp http) {
                        if (http.bodyEquals(SUCCESS_BYTES)) {
                            return Load.SUCCESS;
                        }
                        if (!safe) {
                            return checkPlainReply(http.bodyText(), from);
                        }
                        if (sent % verifyEvery != 0) {
                            return http.bodyStartsWith(ENCRYPTED_PREFIX) ? Load.REPLY : Load.OTHER;
                        }
                        return checkSafeReply(http.bodyText(), from, ts, nonce);
                    }
                };
            }
        };
    }

    /**
     * WeChat's retry storm: every delivery is sent 4 times, its copies on 4 different connections at about the same
     * moment (connections 4g..4g+3 walk the same sequence of deliveries), byte for byte the same request — same
     * timestamp, nonce, signature and, in safe mode, the same ciphertext. Every answer must carry the real reply.
     */
    Load.Scenario storm(boolean safe) {
        long base = IDS.getAndAdd(1_000_000_000_000L) + 1;
        long timestamp = System.currentTimeMillis() / 1000;
        String ts = Long.toString(timestamp);
        return new Load.Scenario() {
            @Override
            public String name() {
                return safe ? "retry storm ×4, safe" : "retry storm ×4, plain";
            }

            @Override
            public int expected() {
                return Load.REPLY;
            }

            @Override
            public Load.Client client(int index, int connections) {
                if (connections % 4 != 0) {
                    throw new IllegalArgumentException("the retry storm needs a multiple of 4 connections");
                }
                int group = index / 4;
                return new Load.Client() {
                    long seq;
                    String from;
                    String nonce;

                    @Override
                    public byte[] next() {
                        long id = base + group * 10_000_000_000L + seq++;
                        from = userOf(id);
                        nonce = Long.toString(id);
                        return request(safe, messageXml(from, timestamp, KEYWORD, id), from, ts, nonce, id);
                    }

                    @Override
                    public int check(RawHttp http) {
                        if (http.bodyEquals(SUCCESS_BYTES)) {
                            return Load.SUCCESS;
                        }
                        String answer = http.bodyText();
                        return safe ? checkSafeReply(answer, from, ts, nonce) : checkPlainReply(answer, from);
                    }
                };
            }
        };
    }

    /** The driver's own encryption must open with the gateway's cipher, or every safe-mode figure is void. */
    void selfTest() {
        String xml = messageXml("o-self", 1, "self-test", 1);
        if (!xml.equals(cipher.decrypt(encrypt(xml, 42)))) {
            throw new IllegalStateException("the driver's WXBizMsgCrypt encryption does not round-trip");
        }
    }
}
