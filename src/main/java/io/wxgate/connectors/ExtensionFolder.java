package io.wxgate.connectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The extension folder (GATEWAY_LIB_DIR, default {@code ./lib}): every {@code *.jar} directly in it joins the
 * classpath at start, so a route may use a Camel component the gateway does not ship — the component's jar and its
 * dependencies' jars dropped there, no rebuild. A starter's auto-configuration is found too.
 *
 * <p>Done in {@code main}, with a class loader over the jars whose parent is the gateway's own, made the thread's
 * context class loader before Spring starts: Spring takes it as the application context's class loader, and Camel
 * takes that one to find components ({@code META-INF/services/org/apache/camel/component/…}), data formats and
 * languages. This works alike for {@code java -jar}, {@code java -cp} and {@code mvn spring-boot:run}, which Spring
 * Boot's PropertiesLauncher ({@code loader.path}) would not: it serves only the packaged jar. The gateway's own
 * classes win over a jar's copy of the same class (parent first), so the folder adds and never replaces.
 */
public final class ExtensionFolder {

    public static final String VARIABLE = "GATEWAY_LIB_DIR";
    static final String DEFAULT = "./lib";
    private static final Logger LOG = LoggerFactory.getLogger(ExtensionFolder.class);

    private final Path folder;
    private final boolean present;
    private final List<Path> jars;

    private ExtensionFolder(Path folder, boolean present, List<Path> jars) {
        this.folder = folder;
        this.present = present;
        this.jars = jars;
    }

    public static ExtensionFolder fromEnvironment() {
        return of(System.getenv());
    }

    static ExtensionFolder of(Map<String, String> environment) {
        String named = environment.get(VARIABLE);
        return scan(Path.of(named == null || named.isBlank() ? DEFAULT : named));
    }

    /**
     * The jars in a folder, checked: a file named {@code .jar} that does not open as one stops start-up here, with
     * its name, rather than as a puzzling ClassNotFoundException on the first message. Other files and subfolders
     * are left alone; a folder that does not exist adds nothing.
     *
     * @throws IllegalStateException naming GATEWAY_LIB_DIR and the file at fault
     */
    static ExtensionFolder scan(Path folder) {
        if (!Files.exists(folder)) {
            return new ExtensionFolder(folder, false, List.of());
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException(VARIABLE + "=" + folder + " is not a folder");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(folder)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar") && !Files.isDirectory(f))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(VARIABLE + "=" + folder + " cannot be read: " + e, e);
        }
        for (Path jar : jars) {
            try (JarFile opened = new JarFile(jar.toFile())) {
                opened.size();
            } catch (IOException | SecurityException e) {
                throw new IllegalStateException(VARIABLE + "=" + folder + ": " + jar.getFileName()
                        + " is not a readable jar (" + e.getMessage() + ")", e);
            }
        }
        return new ExtensionFolder(folder, true, jars);
    }

    List<Path> jars() {
        return jars;
    }

    /** The parent itself when the folder adds nothing: then nothing about class loading changes. */
    public ClassLoader classLoader(ClassLoader parent) {
        if (jars.isEmpty()) {
            return parent;
        }
        URL[] urls = jars.stream().map(ExtensionFolder::url).toArray(URL[]::new);
        // Never closed: its classes serve for the life of the JVM.
        return new URLClassLoader("gateway-lib", urls, parent);
    }

    private static URL url(Path jar) {
        try {
            return jar.toAbsolutePath().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What was added, logged once logging is set up (main runs before it is). */
    public ApplicationListener<ApplicationEnvironmentPreparedEvent> startUpLog() {
        // A class, not a lambda: Spring reads the event type from it, and would call a lambda for every event.
        return new ApplicationListener<>() {
            @Override
            public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
                LOG.info(describe());
            }
        };
    }

    String describe() {
        Path where = folder.toAbsolutePath().normalize();
        if (!present) {
            return "Extension folder " + where + " (" + VARIABLE + ") does not exist: no jars added";
        }
        if (jars.isEmpty()) {
            return "Extension folder " + where + " (" + VARIABLE + ") holds no jars: none added";
        }
        return "Extension folder " + where + " (" + VARIABLE + "): " + jars.size() + " jar(s) joined the classpath: "
                + jars.stream().map(j -> j.getFileName().toString()).collect(Collectors.joining(", "));
    }
}
