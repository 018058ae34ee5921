package floor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** WeChat's callback signature: the SHA-1 of token, timestamp and nonce, sorted and joined. */
final class Signature {

    private Signature() {
    }

    /** The echostr when the signature is right (WECHAT_TOKEN), else empty. */
    static String echo(String signature, String timestamp, String nonce, String echostr) {
        String[] parts = {System.getenv("WECHAT_TOKEN"), timestamp, nonce};
        Arrays.sort(parts);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest(String.join("", parts).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).equals(signature) ? echostr : "";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
