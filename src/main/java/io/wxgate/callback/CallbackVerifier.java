package io.wxgate.callback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;

import io.wxgate.config.WeChatProperties;
import io.wxgate.crypto.Signatures;
import io.wxgate.crypto.WeChatCipher;
import io.wxgate.crypto.WeChatCryptoException;
import io.wxgate.message.WeChatMessage;
import io.wxgate.message.WeChatXml;
import io.wxgate.store.NonceRegistry;

/**
 * Decides whether a callback really comes from WeChat, and opens safe-mode envelopes.
 * Every refusal happens here, before anything is parsed into a message or processed.
 */
public final class CallbackVerifier {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CallbackVerifier.class);
    // One per thread: a MessageDigest is not thread-safe, and looking one up per callback costs more than hashing.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(CallbackVerifier::newSha256);

    private final String token;
    private final WeChatCipher cipher;
    private final boolean requireEncryption;
    private final long timestampWindowSeconds;
    private final WeChatXml xml;
    private final NonceRegistry nonces;
    private final Clock clock;

    public CallbackVerifier(WeChatProperties settings, WeChatXml xml, NonceRegistry nonces, Clock clock) {
        this.token = settings.token();
        this.cipher = settings.safeModeConfigured()
                ? new WeChatCipher(settings.encodingAesKey(), settings.appId())
                : null;
        this.requireEncryption = settings.callback().requireEncryption() && cipher != null;
        this.timestampWindowSeconds = settings.callback().timestampWindow().toSeconds();
        this.xml = xml;
        this.nonces = nonces;
        this.clock = clock;
    }

    /** GET: the server URL check; safe mode does not change it (wechat-protocol.md §1). */
    public String verifyEcho(CallbackRequest request) {
        String signature = required(request, "signature");
        String timestamp = required(request, "timestamp");
        String nonce = required(request, "nonce");
        String echostr = required(request, "echostr");
        checkSignature(signature, Signatures.sign(token, timestamp, nonce), "signature");
        checkFresh(timestamp);
        return echostr;
    }

    /** POST: verifies the request and returns the message XML, decrypted in safe and compatible modes. */
    public String openMessage(CallbackRequest request) {
        String timestamp = required(request, "timestamp");
        String nonce = required(request, "nonce");
        if (request.encrypted()) {
            return openEnvelope(request, timestamp, nonce);
        }
        String signature = required(request, "signature");
        checkSignature(signature, Signatures.sign(token, timestamp, nonce), "signature");
        checkFresh(timestamp);
        if (requireEncryption) {
            throw CallbackRejectedException.forbidden("plain-mode callbacks are refused: safe mode is required");
        }
        boolean fresh;
        try {
            fresh = nonces.bind(timestamp + '|' + nonce, digest(request.body()));
        } catch (RuntimeException e) {
            // The signature and timestamp already hold; with the shared store out of reach, losing the replay
            // guard for a moment is better than refusing WeChat (which would retry and alarm users).
            LOG.warn("Nonce store unavailable, accepting a signed callback without the replay check: {}", e.toString());
            fresh = true;
        }
        if (!fresh) {
            throw CallbackRejectedException.forbidden("nonce already used with another body");
        }
        return request.body();
    }

    private String openEnvelope(CallbackRequest request, String timestamp, String nonce) {
        String msgSignature = required(request, "msg_signature");
        if (cipher == null) {
            throw CallbackRejectedException.badRequest("encrypted callbacks are not enabled");
        }
        WeChatMessage envelope = xml.parse(request.body());
        String encrypted = envelope.getEncrypt();
        if (encrypted == null || encrypted.isBlank()) {
            throw CallbackRejectedException.badRequest("Encrypt element missing");
        }
        // msg_signature covers Encrypt, so unlike plain mode the body cannot be swapped under a valid query.
        checkSignature(msgSignature, Signatures.sign(token, timestamp, nonce, encrypted), "msg_signature");
        checkFresh(timestamp);
        try {
            return cipher.decrypt(encrypted);
        } catch (WeChatCryptoException e) {
            if (e.reason() == WeChatCryptoException.Reason.APPID_MISMATCH) {
                throw CallbackRejectedException.forbidden("message is for another AppId");
            }
            throw CallbackRejectedException.badRequest("Encrypt could not be decrypted");
        }
    }

    /** The reply envelope of safe mode: encrypted, signed, with the request's timestamp and nonce (§4). */
    public String seal(String replyXml, CallbackRequest request) {
        String timestamp = request.param("timestamp");
        String nonce = request.param("nonce");
        String encrypted = cipher.encrypt(replyXml);
        String signature = Signatures.sign(token, timestamp, nonce, encrypted);
        return "<xml><Encrypt><![CDATA[" + encrypted + "]]></Encrypt><MsgSignature><![CDATA[" + signature
                + "]]></MsgSignature><TimeStamp>" + timestamp + "</TimeStamp><Nonce><![CDATA[" + nonce
                + "]]></Nonce></xml>";
    }

    private void checkSignature(String provided, String expected, String name) {
        if (!Signatures.matches(expected, provided)) {
            throw CallbackRejectedException.forbidden(name + " does not match");
        }
    }

    private void checkFresh(String timestamp) {
        long sent;
        try {
            sent = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw CallbackRejectedException.badRequest("timestamp is not a number");
        }
        long now = clock.millis() / 1000;
        if (Math.abs(now - sent) > timestampWindowSeconds) {
            throw CallbackRejectedException.forbidden("timestamp outside the accepted window");
        }
    }

    private static String required(CallbackRequest request, String name) {
        String value = request.param(name);
        if (value == null || value.isEmpty()) {
            throw CallbackRejectedException.badRequest("missing parameter: " + name);
        }
        return value;
    }

    private static String digest(String body) {
        byte[] hash = SHA256.get().digest(body.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(hash);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
