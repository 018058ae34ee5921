package io.wxgate.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wxgate.crypto.WeChatCryptoException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Vectors V1–V4 of wechat-protocol.md §5, plus the failure modes of §5.6. */
class WeChatCipherTest {

    private static final String SAMPLE_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final String V1_APPID = "wxb11529c136998cb6";
    private static final byte[] V1_RANDOM = bytes("aaaabbbbccccdddd");

    private static final String WECOM_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    private static final String WECOM_ID = "wx49f0ab532d5d035a";

    private static final String V2_APPID = "wx2c2769f8efd9abc2";
    private static final String V2_ENCRYPT = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";

    private static final String V4_ENCRYPT = "rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==";
    private static final String V4_MESSAGE = "<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName><FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>";

    private final WeChatCipher sampleCipher = new WeChatCipher(SAMPLE_KEY, V1_APPID);

    // --- published vectors -------------------------------------------------------------------

    @Test
    void encryptWithFixedRandomMatchesV1() {
        // given
        String msg = "我是中文abcd123";
        // when
        String encrypt = sampleCipher.encrypt(msg, V1_RANDOM);
        // then
        assertThat(encrypt).isEqualTo(
                "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==");
        assertThat(Signatures.sign("pamtest", "1409304348", "xxxxxx", encrypt))
                .isEqualTo("82c962d39941aa48552f90ef55aa323dc620cc10");
        assertThat(sampleCipher.decrypt(encrypt)).isEqualTo(msg);
    }

    @Test
    void encryptOfMultiBlockChineseReplyMatchesV1b() {
        // given
        String msg = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>";
        // when
        String encrypt = sampleCipher.encrypt(msg, V1_RANDOM);
        // then
        assertThat(encrypt).isEqualTo("jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb");
    }

    @Test
    void signedCompatibleModePacketDecryptsToV2() {
        // given the official Python sample's query and Encrypt
        WeChatCipher cipher = new WeChatCipher(SAMPLE_KEY, V2_APPID);
        String expectedSignature = Signatures.sign("spamtest", "1409735669", "1320562132", V2_ENCRYPT);
        // when
        String msg = cipher.decrypt(V2_ENCRYPT);
        // then
        assertThat(Signatures.matches(expectedSignature, "5d197aaffba7e9b25a30732f161a50dee96bd5fa")).isTrue();
        assertThat(msg).isEqualTo("""
                <xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>
                <FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>
                <CreateTime>1409735668</CreateTime>
                <MsgType><![CDATA[text]]></MsgType>
                <Content><![CDATA[abcdteT]]></Content>
                <MsgId>6054768590064713728</MsgId>
                </xml>""");
        assertThat(msg.getBytes(StandardCharsets.UTF_8)).hasSize(280);
    }

    @Test
    void encryptedReplyWithFixedRandomMatchesV3() {
        // given
        WeChatCipher cipher = new WeChatCipher(WECOM_KEY, WECOM_ID);
        String msg = """
                <xml>
                <MsgType><![CDATA[text]]></MsgType>
                <Content><![CDATA[test]]></Content>
                <FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
                <ToUserName><![CDATA[messense]]></ToUserName>
                <AgentID>1</AgentID>
                <CreateTime>1411525903</CreateTime>
                </xml>""";
        // when
        String encrypt = cipher.encrypt(msg, bytes("1234567890123456"));
        // then
        assertThat(encrypt).isEqualTo("9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3");
        assertThat(Signatures.sign("123456", "1411525903", "461056294", encrypt))
                .isEqualTo("407518b7649e86ef23978113f92d27afa9296533");
    }

    @Test
    void shortWeComPacketDecryptsAndItsSignatureDependsOnTheNonce() {
        // given
        WeChatCipher cipher = new WeChatCipher(WECOM_KEY, WECOM_ID);
        String encrypt = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
        String provided = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96";
        // when
        String msg = cipher.decrypt(encrypt);
        // then
        assertThat(msg).isEqualTo("5927782489442352469");
        assertThat(Signatures.matches(Signatures.sign("123456", "1411443780", "437374425", encrypt), provided)).isTrue();
        assertThat(Signatures.matches(Signatures.sign("123456", "1411443780", "437374424", encrypt), provided)).isFalse();
    }

    @Test
    void packetForOurAppidDecryptsToV4() {
        // given
        String expectedSignature = Signatures.sign("pamtest", "1458300676", "260774613", V4_ENCRYPT);
        // when
        String msg = sampleCipher.decrypt(V4_ENCRYPT);
        // then
        assertThat(Signatures.matches(expectedSignature, "4f3ad57b6989f09f4eb392acce4f9e93942ed890")).isTrue();
        assertThat(msg).isEqualTo(V4_MESSAGE);
    }

    @Test
    void packetForAnotherAppidIsRejectedWithoutLeakingItsContent() {
        // given a cipher with the same key but a different appid
        WeChatCipher otherAccount = new WeChatCipher(SAMPLE_KEY, V2_APPID);
        // when
        Throwable thrown = catchThrowable(() -> otherAccount.decrypt(V4_ENCRYPT));
        // then
        assertThat(thrown).isInstanceOfSatisfying(WeChatCryptoException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.APPID_MISMATCH));
        assertThat(thrown.getMessage()).doesNotContain("hello", V1_APPID, SAMPLE_KEY);
        assertThat(new WeChatCipher(SAMPLE_KEY, V1_APPID).decrypt(V4_ENCRYPT)).isEqualTo(V4_MESSAGE);
    }

    // --- round trips ---------------------------------------------------------------------------

    static IntStream lengths0To100() {
        return IntStream.rangeClosed(0, 100);
    }

    @ParameterizedTest(name = "{0} characters")
    @MethodSource("lengths0To100")
    void randomMessageSurvivesARoundTrip(int length) {
        // given ASCII mixed with multi-byte characters, so byte lengths hit every padding size
        String msg = randomText(new Random(length), length);
        // when
        String encrypt = sampleCipher.encrypt(msg);
        // then
        assertThat(sampleCipher.decrypt(encrypt)).isEqualTo(msg);
    }

    @Test
    void largeMessageSurvivesARoundTrip() {
        String msg = randomText(new Random(42), 300_000);

        assertThat(sampleCipher.decrypt(sampleCipher.encrypt(msg))).isEqualTo(msg);
    }

    @Test
    void blockAlignedPayloadGetsAFullBlockOfPadding() {
        // given 16 random + 4 length + 26 msg + 18 appid = 64 bytes, already a multiple of 32 (§5.4)
        String msg = "a".repeat(26);
        // when
        byte[] ciphertext = Base64.getDecoder().decode(sampleCipher.encrypt(msg));
        // then 32 bytes of padding, where JCE PKCS5Padding would have added 16
        assertThat(ciphertext).hasSize(96);
        assertThat(sampleCipher.decrypt(Base64.getEncoder().encodeToString(ciphertext))).isEqualTo(msg);
    }

    @Test
    void twoEncryptionsOfTheSameTextDiffer() {
        String first = sampleCipher.encrypt("hello");
        String second = sampleCipher.encrypt("hello");

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void oneCipherServesManyThreads() throws Exception {
        // given
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String msg = "message " + i + " 你好";
            tasks.add(() -> sampleCipher.decrypt(sampleCipher.encrypt(msg)).equals(msg));
        }
        try {
            // when
            List<Future<Boolean>> results = pool.invokeAll(tasks);
            // then
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // --- malformed packets -----------------------------------------------------------------

    @Test
    void everySingleByteFlipIsRejectedOrChangesTheMessage() {
        // given
        byte[] ciphertext = Base64.getDecoder().decode(V4_ENCRYPT);
        for (int i = 0; i < ciphertext.length; i++) {
            byte[] tampered = ciphertext.clone();
            tampered[i] ^= 0x01;
            String encrypt = Base64.getEncoder().encodeToString(tampered);
            // when
            Throwable thrown = catchThrowable(() -> assertThat(sampleCipher.decrypt(encrypt)).isNotEqualTo(V4_MESSAGE));
            // then CBC has no integrity of its own, but nothing may escape except our exception
            if (thrown != null) {
                assertThat(thrown).as("flip at byte %d", i).isInstanceOf(WeChatCryptoException.class);
            }
        }
    }

    @Test
    void tamperedLengthFieldIsRejected() {
        // given flipping the top bit of ciphertext byte 0 flips that of plaintext byte 16, the length's top byte
        byte[] ciphertext = Base64.getDecoder().decode(V4_ENCRYPT);
        ciphertext[0] ^= (byte) 0x80;
        // when / then
        assertReason(Base64.getEncoder().encodeToString(ciphertext), Reason.BAD_LENGTH);
    }

    @Test
    void tamperedPadByteIsRejected() {
        // given the last byte of the second-to-last block XORs into the pad byte, pushing it past 32
        byte[] ciphertext = Base64.getDecoder().decode(V4_ENCRYPT);
        ciphertext[ciphertext.length - 17] ^= (byte) 0x80;
        // when / then
        assertReason(Base64.getEncoder().encodeToString(ciphertext), Reason.BAD_PADDING);
    }

    @Test
    void padBytesThatDisagreeAreRejected() {
        // given a 64-byte plaintext ending in 03 03 04 instead of 03 03 03
        byte[] plain = payload("hi", V1_APPID, 64);
        plain[61] = 3;
        plain[62] = 3;
        plain[63] = 4;
        // when / then
        assertReason(sealRaw(plain), Reason.BAD_PADDING);
    }

    @Test
    void padByteOutsideOneTo32IsRejected() {
        byte[] zeroPad = payload("hi", V1_APPID, 64);
        byte[] pad33 = payload("hi", V1_APPID, 64);
        pad33[63] = 33;

        assertReason(sealRaw(zeroPad), Reason.BAD_PADDING);
        assertReason(sealRaw(pad33), Reason.BAD_PADDING);
    }

    @Test
    void lengthFieldBeyondThePayloadIsRejected() {
        // given a correctly padded payload whose length field claims one byte more than there is
        byte[] plain = payload("hi", V1_APPID, 64);
        int pad = 64 - (20 + 2 + V1_APPID.length());
        Arrays.fill(plain, 64 - pad, 64, (byte) pad);
        plain[19] = (byte) (2 + V1_APPID.length() + 1);
        // when / then
        assertReason(sealRaw(plain), Reason.BAD_LENGTH);
    }

    @Test
    void payloadShorterThanItsHeaderIsRejected() {
        // given a single AES block, too short to even hold the length field
        byte[] plain = new byte[16];
        Arrays.fill(plain, (byte) 16);
        // when / then
        assertReason(sealRaw(plain), Reason.BAD_LENGTH);
    }

    @Test
    void packetUnderAnotherKeyIsRejected() {
        // given
        WeChatCipher wrongKey = new WeChatCipher(WECOM_KEY, V1_APPID);
        // when
        Throwable thrown = catchThrowable(() -> wrongKey.decrypt(V4_ENCRYPT));
        // then
        assertThat(thrown).isInstanceOf(WeChatCryptoException.class);
    }

    @Test
    void badBase64IsRejected() {
        assertReason("not base64!", Reason.BAD_BASE64);
        assertReason(null, Reason.BAD_BASE64);
    }

    @Test
    void ciphertextThatIsNotWholeAesBlocksIsRejected() {
        assertReason(Base64.getEncoder().encodeToString(new byte[15]), Reason.BAD_CIPHERTEXT);
        assertReason(Base64.getEncoder().encodeToString(new byte[33]), Reason.BAD_CIPHERTEXT);
        assertReason("", Reason.BAD_CIPHERTEXT);
    }

    // --- configuration -------------------------------------------------------------------------

    @Test
    void keyOf42CharactersIsRejectedWithoutQuotingIt() {
        // given
        String key = SAMPLE_KEY.substring(0, 42);
        // when / then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new WeChatCipher(key, V1_APPID))
                .withMessageContaining("EncodingAESKey")
                .withMessageContaining("43")
                .withMessageNotContaining(key);
    }

    @Test
    void keyWithAPlusSignIsRejectedWithoutQuotingIt() {
        // given base64 would accept '+', but WeChat keys are alphanumeric (§5.1)
        String key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF+";
        // when / then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new WeChatCipher(key, V1_APPID))
                .withMessageContaining("EncodingAESKey")
                .withMessageNotContaining(key)
                .withMessageNotContaining("+");
    }

    @Test
    void missingKeyOrAppidIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new WeChatCipher(null, V1_APPID))
                .withMessageContaining("EncodingAESKey");
        assertThatIllegalArgumentException().isThrownBy(() -> new WeChatCipher(SAMPLE_KEY, " "))
                .withMessageContaining("appId");
    }

    @Test
    void toStringDoesNotRevealTheKey() {
        assertThat(sampleCipher.toString()).doesNotContain(SAMPLE_KEY).contains(V1_APPID);
    }

    // --- helpers -------------------------------------------------------------------------------

    private void assertReason(String encrypt, Reason reason) {
        assertThatThrownBy(() -> sampleCipher.decrypt(encrypt))
                .isInstanceOfSatisfying(WeChatCryptoException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    /** 16 zero random bytes, length, msg, appid, zero-filled up to size; callers set the padding. */
    private static byte[] payload(String msg, String appId, int size) {
        byte[] m = msg.getBytes(StandardCharsets.UTF_8);
        byte[] a = appId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(size).position(16).putInt(m.length).put(m).put(a).array();
    }

    /** Encrypts arbitrary bytes under SAMPLE_KEY, independently of WeChatCipher, to craft bad packets. */
    private static String sealRaw(byte[] plain) {
        try {
            byte[] key = Base64.getDecoder().decode(SAMPLE_KEY + "=");
            Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
            return Base64.getEncoder().encodeToString(aes.doFinal(plain));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    private static String randomText(Random random, int length) {
        String alphabet = "abcXYZ019 <>&\n]é中文你好😀";
        int[] codePoints = alphabet.codePoints().toArray();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return text.toString();
    }
}
