package io.wxgate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** SPEC §7: the accounts file is taken whole or refused whole, naming the entry and the key, never a value. */
class AccountsFileTest {

    static final String KEY_A = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String KEY_B = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut";
    private final AccountsFile file = new AccountsFile("wxdefault", "global-key");

    private List<Account> parse(String yaml) {
        return file.parse(yaml, "accounts.yaml");
    }

    @Test
    void everyKeyOfTheSpecIsRead() {
        List<Account> accounts = parse("""
                - app-id: wx1111111111111111
                  app-secret: secret-one
                  token: token-one
                  encoding-aes-key: %s
                  previous-encoding-aes-key: %s
                  require-encryption: true
                  api-key: key-one
                  menu-file: menus/one.yaml
                - app-id: wx2222222222222222
                  app-secret: secret-two
                  token: token-two
                """.formatted(KEY_A, KEY_B));

        assertThat(accounts).containsExactly(
                new Account("wx1111111111111111", "secret-one", "token-one", KEY_A, KEY_B, true, "key-one",
                        "menus/one.yaml"),
                new Account("wx2222222222222222", "secret-two", "token-two", "", "", false, ""));
    }

    @Test
    void anEmptyMenuFileIsAMistakeNotAnAbsence() {
        assertThatThrownBy(() -> parse("- {app-id: wx1111111111111111, app-secret: s, token: t, menu-file: ''}\n"))
                .hasMessageContaining("account wx1111111111111111, key menu-file: is empty");
    }

    @Test
    void anEmptyFileMeansNoFurtherAccounts() {
        assertThat(parse("")).isEmpty();
        assertThat(parse("# none yet\n")).isEmpty();
        assertThat(parse("[]")).isEmpty();
    }

    @Test
    void valuesStayTheTextWrittenEvenWhereYamlWouldSeeANumber() {
        // 0123 is octal 83 to YAML 1.1, 1e3 a float, 0x1F hex: a Token or secret must not change under the reader.
        List<Account> accounts = parse("""
                - app-id: wx1111111111111111
                  app-secret: 1e3
                  token: 0123
                  api-key: 0x1F
                """);

        assertThat(accounts.get(0).token()).isEqualTo("0123");
        assertThat(accounts.get(0).appSecret()).isEqualTo("1e3");
        assertThat(accounts.get(0).apiKey()).isEqualTo("0x1F");
    }

    @Test
    void aMissingRequiredKeyNamesTheEntryAndTheKey() {
        assertThatThrownBy(() -> parse("""
                - app-id: wx1111111111111111
                  token: token-one
                """)).isInstanceOf(AccountsFileException.class)
                .hasMessageContaining("account wx1111111111111111").hasMessageContaining("app-secret");
    }

    @Test
    void anEntryWithoutAnAppIdIsNamedByItsPosition() {
        assertThatThrownBy(() -> parse("""
                - app-id: wx1111111111111111
                  app-secret: s
                  token: t
                - app-secret: very-secret-value
                  token: t
                """)).hasMessageContaining("entry #2").hasMessageContaining("app-id")
                .hasMessageNotContaining("very-secret-value");
    }

    @Test
    void aBadAesKeyIsNamedWithoutItsValue() {
        String badKey = KEY_A.substring(0, 40);
        assertThatThrownBy(() -> parse("""
                - app-id: wx1111111111111111
                  app-secret: s
                  token: t
                  encoding-aes-key: %s
                """.formatted(badKey))).hasMessageContaining("encoding-aes-key").hasMessageContaining("40 characters")
                .hasMessageNotContaining(badKey);
    }

    @Test
    void anAppIdTwiceOrEqualToTheDefaultAccountsIsRefused() {
        String twice = """
                - {app-id: wx1111111111111111, app-secret: s, token: t}
                - {app-id: wx1111111111111111, app-secret: s2, token: t2}
                """;
        assertThatThrownBy(() -> parse(twice)).hasMessageContaining("wx1111111111111111").hasMessageContaining("twice");
        assertThatThrownBy(() -> parse("- {app-id: wxdefault, app-secret: s, token: t}"))
                .hasMessageContaining("default account");
    }

    @Test
    void anAccountsApiKeyMayBeNeitherTheGlobalKeyNorAnotherAccounts() {
        assertThatThrownBy(() -> parse("- {app-id: wx1, app-secret: s, token: t, api-key: global-key}"))
                .hasMessageContaining("api-key").hasMessageContaining("GATEWAY_API_KEY")
                .hasMessageNotContaining("global-key");
        assertThatThrownBy(() -> parse("""
                - {app-id: wx1, app-secret: s, token: t, api-key: shared-key}
                - {app-id: wx2, app-secret: s, token: t, api-key: shared-key}
                """)).hasMessageContaining("account wx2").hasMessageContaining("wx1").hasMessageNotContaining("shared-key");
    }

    @Test
    void settingsThatContradictEachOtherAreRefused() {
        assertThatThrownBy(() -> parse("- {app-id: wx1, app-secret: s, token: t, require-encryption: true}"))
                .hasMessageContaining("require-encryption");
        assertThatThrownBy(() -> parse("- {app-id: wx1, app-secret: s, token: t, previous-encoding-aes-key: " + KEY_B
                + "}")).hasMessageContaining("previous-encoding-aes-key");
        assertThatThrownBy(() -> parse("- {app-id: wx1, app-secret: s, token: t, require-encryption: sometimes}"))
                .hasMessageContaining("true or false");
    }

    @Test
    void anUnknownKeyIsRefusedRatherThanIgnored() {
        // A mistyped key (apisecret, encoding_aes_key) must not leave the account silently without its setting.
        assertThatThrownBy(() -> parse("- {app-id: wx1, app-secret: s, token: t, encoding_aes_key: " + KEY_A + "}"))
                .hasMessageContaining("unknown key 'encoding_aes_key'").hasMessageNotContaining(KEY_A);
    }

    @Test
    void aKeyTwiceInOneEntryIsRefused() {
        assertThatThrownBy(() -> parse("""
                - app-id: wx1
                  app-secret: first-secret
                  token: t
                  app-secret: second-secret
                """)).hasMessageContaining("duplicate key app-secret").hasMessageNotContaining("second-secret")
                .hasMessageNotContaining("first-secret");
    }

    @Test
    void hostileYamlIsRefused() {
        assertThatThrownBy(() -> parse("- !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]"))
                .isInstanceOf(AccountsFileException.class);
        StringBuilder bomb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            bomb.append(c).append(": &").append(c).append(" [*").append((char) (c - 1)).append(",*")
                    .append((char) (c - 1)).append(",*").append((char) (c - 1)).append("]\n");
        }
        assertThatThrownBy(() -> parse(bomb.toString())).isInstanceOf(AccountsFileException.class);
        assertThatThrownBy(() -> parse("app-id: wx1\napp-secret: s\n")).hasMessageContaining("list of accounts");
        assertThatThrownBy(() -> parse("- app-id: [wx1]\n  app-secret: s\n  token: t\n"))
                .hasMessageContaining("app-id");
        assertThatThrownBy(() -> parse("- app-id: wx1\n  app-secret: 's\n")).hasMessageContaining("not valid YAML");
    }

    @Test
    void anAppIdOutsideTheSafeCharactersIsRefused() {
        assertThatThrownBy(() -> parse("- {app-id: 'wx1/../x', app-secret: s, token: t}"))
                .hasMessageContaining("app-id").hasMessageContaining("entry #1");
    }

    @Test
    void anAccountPrintsNoSecret() {
        Account account = parse("- {app-id: wx1, app-secret: the-secret, token: the-token, api-key: the-key}").get(0);
        assertThat(account.toString()).contains("wx1").doesNotContain("the-secret", "the-token", "the-key");
    }
}
