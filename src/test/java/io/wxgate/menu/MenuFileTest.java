package io.wxgate.menu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.message.Json;
import org.junit.jupiter.api.Test;

/** A menu file is WeChat's menu/create JSON as YAML, checked for what WeChat would refuse (wechat-protocol.md §14). */
class MenuFileTest {

    @Test
    void theShippedExampleBecomesWeChatsMenuJson() throws Exception {
        JsonNode menu = MenuFile.parse(Files.readString(Path.of("menu.example.yaml")), "menu.example.yaml");

        assertThat(menu).isEqualTo(Json.MAPPER.readTree("""
                {"button":[
                  {"type":"click","name":"最新消息","key":"LATEST_NEWS"},
                  {"name":"服务","sub_button":[
                    {"type":"click","name":"联系我们","key":"CONTACT_US"},
                    {"type":"view","name":"官网","url":"https://www.example.com/"}]}]}"""));
    }

    @Test
    void everyValueStaysTextAsWeChatExpectsIt() {
        JsonNode menu = MenuFile.parse("button:\n  - {type: click, name: 2024, key: 0123}\n", "m.yaml");

        assertThat(menu.at("/button/0/name").isTextual()).isTrue();
        assertThat(menu.at("/button/0/key").asText()).isEqualTo("0123");
    }

    @Test
    void whatWeChatWouldRefuseIsNamedWithItsButton() {
        assertThatThrownBy(() -> MenuFile.parse("button: []\n", "m.yaml")).hasMessageContaining("1 to 3 buttons");
        assertThatThrownBy(() -> MenuFile.parse("button:\n" + "  - {type: click, name: a, key: a}\n".repeat(4), "m.yaml"))
                .hasMessageContaining("m.yaml").hasMessageContaining("not 4");
        // Six Chinese characters are 18 bytes: over a top-level button's 16.
        assertThatThrownBy(() -> MenuFile.parse("button:\n  - {type: click, name: 一二三四五六, key: k}\n", "m.yaml"))
                .hasMessageContaining("button 1").hasMessageContaining("'name' is 18 bytes");
        assertThatThrownBy(() -> MenuFile.parse("button:\n  - {name: top, sub_button: [" + "{type: click, name: s, key: k},"
                .repeat(6) + "]}\n", "m.yaml")).hasMessageContaining("1 to 5");
        assertThatThrownBy(() -> MenuFile.parse("button:\n  - {name: top, sub_button: [{name: s}]}\n", "m.yaml"))
                .hasMessageContaining("button 1, sub-button 1").hasMessageContaining("'type'");
        assertThatThrownBy(() -> MenuFile.parse("menu:\n  button: []\n", "m.yaml")).hasMessageContaining("'button'");
        assertThatThrownBy(() -> MenuFile.parse("button:\n  - {type: click, name: a, key: a}\nmenuid: 1\n", "m.yaml"))
                .hasMessageContaining("only 'button'");
        assertThatThrownBy(() -> MenuFile.parse("button: [\n", "m.yaml")).hasMessageContaining("not valid YAML");
    }

    @Test
    void weChatsOwnShapeOfAPublishedMenuComparesEqualToItsFile() throws Exception {
        JsonNode file = MenuFile.parse(Files.readString(Path.of("menu.example.yaml")), "menu.example.yaml");
        JsonNode menuGet = Json.MAPPER.readTree("""
                {"menu":{"button":[
                  {"type":"click","name":"最新消息","key":"LATEST_NEWS","sub_button":[]},
                  {"name":"服务","sub_button":[
                    {"type":"click","name":"联系我们","key":"CONTACT_US","sub_button":[]},
                    {"type":"view","name":"官网","url":"https://www.example.com/","sub_button":[]}]}],
                  "menuid":208396938}}""");

        assertThat(MenuFile.published(menuGet)).isEqualTo(file);
        assertThat(MenuFile.published(Json.MAPPER.readTree("{}"))).isNull();
    }
}
