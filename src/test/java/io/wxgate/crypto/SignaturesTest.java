package io.wxgate.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Vectors P1–P5 of wechat-protocol.md §1. */
class SignaturesTest {

    @Test
    void urlVerificationSignatureMatchesP1() {
        // given token AAAAA, timestamp 1714036504, nonce 1514711492
        // when
        String signature = Signatures.sign("AAAAA", "1714036504", "1514711492");
        // then
        assertThat(signature).isEqualTo("f464b24fc39322e44b38aa78f5edd27bd1441696");
    }

    @Test
    void plainPostSignatureMatchesP2() {
        String signature = Signatures.sign("AAAAA", "1714037059", "486452656");

        assertThat(signature).isEqualTo("899cf89e464efb63f54ddac96b0a0a235f53aa78");
    }

    @Test
    void signatureMatchesP3AndALastDigitChangeDoesNot() {
        // given
        String expected = Signatures.sign("test", "1410685589", "test");
        // then
        assertThat(Signatures.matches(expected, "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff")).isTrue();
        assertThat(Signatures.matches(expected, "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe")).isFalse();
    }

    @Test
    void signatureMatchesP4() {
        assertThat(Signatures.sign("spamtest", "1409735669", "1320562132"))
                .isEqualTo("16120ec1b8dbb870f510d87ce6bc2463eae6ca1a");
    }

    @Test
    void twoPartSignatureMatchesP5() {
        assertThat(Signatures.sign("123", "345")).isEqualTo("9f537aeb751ec72605f57f94a2f6dc3e3958e1dd");
    }

    @Test
    void argumentOrderDoesNotChangeTheSignature() {
        // given the P1 inputs in every other order
        String expected = "f464b24fc39322e44b38aa78f5edd27bd1441696";
        // then
        assertThat(Signatures.sign("1514711492", "AAAAA", "1714036504")).isEqualTo(expected);
        assertThat(Signatures.sign("1714036504", "1514711492", "AAAAA")).isEqualTo(expected);
        assertThat(Signatures.sign("AAAAA", "1514711492", "1714036504")).isEqualTo(expected);
    }

    @Test
    void signingDoesNotReorderTheCallersArray() {
        // given
        String[] parts = {"b", "a"};
        // when
        Signatures.sign(parts);
        // then
        assertThat(parts).containsExactly("b", "a");
    }

    @Test
    void missingSignatureDoesNotMatch() {
        assertThat(Signatures.matches("f464b24fc39322e44b38aa78f5edd27bd1441696", null)).isFalse();
    }

    @Test
    void upperCaseHexDoesNotMatch() {
        // given WeChat sends lower-case hex, so anything else is not a WeChat signature
        String expected = "f464b24fc39322e44b38aa78f5edd27bd1441696";
        // then
        assertThat(Signatures.matches(expected, expected.toUpperCase())).isFalse();
    }

    @Test
    void truncatedSignatureDoesNotMatch() {
        String expected = "f464b24fc39322e44b38aa78f5edd27bd1441696";

        assertThat(Signatures.matches(expected, expected.substring(0, 39))).isFalse();
        assertThat(Signatures.matches(expected, "")).isFalse();
    }
}
