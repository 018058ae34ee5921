package io.wxgate.callback;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.wxgate.account.Account;
import io.wxgate.config.WeChatProperties;
import io.wxgate.crypto.Sha256;
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

    private final long timestampWindowSeconds;
    private final WeChatXml xml;
    private final NonceRegistry nonces;
    private final Clock clock;
    // An account's ciphers, made once per version of the account (a changed key in the accounts file makes new ones).
    private final Map<String, Keys> keys = new ConcurrentHashMap<>();

    /** A safe-mode message opened: its XML, and the cipher whose key it came with, which seals the reply. */
    public record Opened(String xml, WeChatCipher sealer) {
    }

    private record Keys(Account account, WeChatCipher current, WeChatCipher previous) {

        static Keys of(Account account) {
            return new Keys(account,
                    account.safeModeConfigured() ? new WeChatCipher(account.encodingAesKey(), account.appId()) : null,
                    account.previousEncodingAesKey().isEmpty() ? null
                            : new WeChatCipher(account.previousEncodingAesKey(), account.appId()));
        }
    }

    /** Accounts, and with them their Token and keys, come with each request ({@link CallbackRequest#account()}). */
    public CallbackVerifier(WeChatProperties settings, WeChatXml xml, NonceRegistry nonces, Clock clock) {
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
        checkSignature(signature, Signatures.sign(request.account().token(), timestamp, nonce), "signature");
        checkFresh(timestamp);
        return echostr;
    }

    /**
     * POST: verifies the request and returns the message XML, decrypted in safe and compatible modes, with the
     * cipher that opened it (null in plain mode).
     */
    public Opened openMessage(CallbackRequest request) {
        String timestamp = required(request, "timestamp");
        String nonce = required(request, "nonce");
        Account account = request.account();
        if (request.encrypted()) {
            return openEnvelope(request, account, timestamp, nonce);
        }
        String signature = required(request, "signature");
        checkSignature(signature, Signatures.sign(account.token(), timestamp, nonce), "signature");
        checkFresh(timestamp);
        if (account.requireEncryption() && account.safeModeConfigured()) {
            throw CallbackRejectedException.forbidden("plain-mode callbacks are refused: safe mode is required");
        }
        boolean fresh;
        try {
            // Per account: the same timestamp and nonce on two accounts are two requests.
            fresh = nonces.bind(account.appId() + '|' + timestamp + '|' + nonce, Sha256.of(request.body()));
        } catch (RuntimeException e) {
            // The signature and timestamp already hold; with the shared store out of reach, losing the replay
            // guard for a moment is better than refusing WeChat (which would retry and alarm users).
            LOG.warn("Nonce store unavailable, accepting a signed callback without the replay check: {}", e.toString());
            fresh = true;
        }
        if (!fresh) {
            throw CallbackRejectedException.forbidden("nonce already used with another body");
        }
        return new Opened(request.body(), null);
    }

    private Opened openEnvelope(CallbackRequest request, Account account, String timestamp, String nonce) {
        String msgSignature = required(request, "msg_signature");
        Keys ciphers = keysOf(account);
        if (ciphers.current() == null) {
            throw CallbackRejectedException.badRequest("encrypted callbacks are not enabled");
        }
        WeChatMessage envelope = xml.parse(request.body());
        String encrypted = envelope.getEncrypt();
        if (encrypted == null || encrypted.isBlank()) {
            throw CallbackRejectedException.badRequest("Encrypt element missing");
        }
        // msg_signature covers Encrypt, so unlike plain mode the body cannot be swapped under a valid query.
        checkSignature(msgSignature, Signatures.sign(account.token(), timestamp, nonce, encrypted), "msg_signature");
        checkFresh(timestamp);
        try {
            return new Opened(ciphers.current().decrypt(encrypted), ciphers.current());
        } catch (WeChatCryptoException e) {
            boolean anotherAppId = e.reason() == WeChatCryptoException.Reason.APPID_MISMATCH;
            if (ciphers.previous() != null) {
                // A key change rolling out (SPEC §7): WeChat may still seal with the key being replaced.
                try {
                    return new Opened(ciphers.previous().decrypt(encrypted), ciphers.previous());
                } catch (WeChatCryptoException previous) {
                    // Neither key opens it. Either key finding another AppId is the answer: the key opened it.
                    anotherAppId |= previous.reason() == WeChatCryptoException.Reason.APPID_MISMATCH;
                }
            }
            if (anotherAppId) {
                throw CallbackRejectedException.forbidden("message is for another AppId");
            }
            throw CallbackRejectedException.badRequest("Encrypt could not be decrypted");
        }
    }

    /** The reply envelope of safe mode: encrypted, signed, with the request's timestamp and nonce (§4). */
    public String seal(String replyXml, CallbackRequest request, WeChatCipher sealer) {
        String timestamp = request.param("timestamp");
        String nonce = request.param("nonce");
        String encrypted = sealer.encrypt(replyXml);
        String signature = Signatures.sign(request.account().token(), timestamp, nonce, encrypted);
        return "<xml><Encrypt><![CDATA[" + encrypted + "]]></Encrypt><MsgSignature><![CDATA[" + signature
                + "]]></MsgSignature><TimeStamp>" + timestamp + "</TimeStamp><Nonce><![CDATA[" + nonce
                + "]]></Nonce></xml>";
    }

    /** Drops the keys of accounts no longer in force (the accounts file changed). */
    public void retainOnly(java.util.Set<String> appIds) {
        keys.keySet().retainAll(appIds);
    }

    private Keys keysOf(Account account) {
        Keys made = keys.get(account.appId());
        if (made != null && made.account().equals(account)) {
            return made;
        }
        Keys fresh = Keys.of(account);
        keys.put(account.appId(), fresh);
        return fresh;
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
}
