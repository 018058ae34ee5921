package io.wxgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The README's configuration reference and application.yaml describe the same keys. */
class ConfigurationReferenceTest {

    private static Set<String> ownKeysOfApplicationYaml() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Reader in = Files.newBufferedReader(Path.of("application.yaml"))) {
            for (Object doc : new Yaml().loadAll(in)) {
                flatten("", doc, keys);
            }
        }
        keys.removeIf(k -> !(k.startsWith("gateway.") || k.startsWith("wechat.") || k.equals("server.port")));
        return keys;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Set<String> keys) {
        if (node instanceof Map<?, ?> map && !map.isEmpty()) {
            ((Map<String, Object>) map).forEach((k, v) -> flatten(prefix + k + ".", v, keys));
        } else if (!prefix.isEmpty()) {
            keys.add(prefix.substring(0, prefix.length() - 1));
        }
    }

    private static String referenceSection() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("### Configuration reference");
        assertThat(start).as("README has a configuration reference").isPositive();
        int end = readme.indexOf("\n## ", start);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    @Test
    void everyKeyOfApplicationYamlIsInTheReference() throws IOException {
        String reference = referenceSection();

        assertThat(ownKeysOfApplicationYaml()).allSatisfy(key ->
                assertThat(reference).as("README reference names %s", key).contains("`" + key + "`"));
    }

    @Test
    void everyKeyInTheReferenceExistsInApplicationYaml() throws IOException {
        Set<String> keys = ownKeysOfApplicationYaml();
        Matcher named = Pattern.compile("`((?:gateway|wechat)\\.[a-z0-9.-]+|server\\.port)`").matcher(referenceSection());
        Set<String> documented = new TreeSet<>();
        while (named.find()) {
            documented.add(named.group(1));
        }

        assertThat(documented).isNotEmpty().allSatisfy(key ->
                assertThat(keys).as("application.yaml has %s", key).contains(key));
    }
}
