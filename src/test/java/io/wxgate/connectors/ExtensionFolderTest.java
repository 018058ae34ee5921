package io.wxgate.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import io.wxgate.testkit.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GATEWAY_LIB_DIR: which files join the classpath, and what stops start-up. ConnectorsTest uses one for real. */
class ExtensionFolderTest {

    @TempDir
    Path folder;

    @Test
    void aFolderThatDoesNotExistAddsNothingAndChangesNoClassLoader() {
        ExtensionFolder lib = ExtensionFolder.of(Map.of(ExtensionFolder.VARIABLE, folder.resolve("absent").toString()));

        assertThat(lib.jars()).isEmpty();
        assertThat(lib.classLoader(getClass().getClassLoader())).isSameAs(getClass().getClassLoader());
        assertThat(lib.describe()).contains("does not exist");
    }

    @Test
    void theDefaultIsLibInTheWorkingDirectory() {
        assertThat(ExtensionFolder.of(Map.of()).describe()).contains(Path.of("lib").toAbsolutePath().toString());
    }

    @Test
    void everyJarDirectlyInTheFolderJoinsOtherFilesAndSubfoldersDoNot() throws Exception {
        jar(folder.resolve("b-component.jar"), "META-INF/services/org/apache/camel/component/wxtest", "class=x");
        jar(folder.resolve("a-client.jar"), "client.txt", "hello");
        Files.writeString(folder.resolve("README.txt"), "not a jar");
        Files.createDirectories(folder.resolve("sub"));
        jar(folder.resolve("sub/deeper.jar"), "deeper.txt", "no");

        ExtensionFolder lib = ExtensionFolder.scan(folder);

        assertThat(lib.jars()).extracting(p -> p.getFileName().toString())
                .containsExactly("a-client.jar", "b-component.jar");
        assertThat(lib.describe()).endsWith("2 jar(s) joined the classpath: a-client.jar, b-component.jar");
        ClassLoader loader = lib.classLoader(getClass().getClassLoader());
        try (InputStream in = loader.getResourceAsStream("META-INF/services/org/apache/camel/component/wxtest")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("class=x");
        }
        assertThat(loader.getResource("deeper.txt")).isNull();
        assertThat(loader.loadClass(ExtensionFolder.class.getName())).as("the gateway's own classes come first")
                .isSameAs(ExtensionFolder.class);
    }

    @Test
    void aFileNamedJarThatIsNoJarIsRefusedByName() throws IOException {
        Files.writeString(folder.resolve("broken.jar"), "this is not a zip file");

        assertThatThrownBy(() -> ExtensionFolder.scan(folder)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("GATEWAY_LIB_DIR").hasMessageContaining("broken.jar is not a readable jar");
    }

    @Test
    void aGatewayWhoseFolderHoldsABrokenJarDoesNotStartAndSaysWhy() throws IOException {
        Files.writeString(folder.resolve("broken.jar"), "this is not a zip file");
        Path log = folder.resolve("gateway.log");
        Map<String, String> settings = new HashMap<>();
        settings.put("gateway.data-dir", folder.resolve("data").toString());

        assertThatThrownBy(() -> GatewayProcess.start(GatewayProcess.freePort(), settings,
                Map.of(ExtensionFolder.VARIABLE, folder.toString()), log))
                .hasMessageContaining("gateway process exited with 1");
        assertThat(Files.readString(log)).contains("wxgate did not start: GATEWAY_LIB_DIR=" + folder
                + ": broken.jar is not a readable jar");
    }

    private static void jar(Path file, String entry, String content) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry(entry));
            jar.write(content.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }
}
