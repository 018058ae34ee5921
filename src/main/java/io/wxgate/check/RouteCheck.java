package io.wxgate.check;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.wxgate.account.Accounts;
import io.wxgate.account.AccountsProperties;
import io.wxgate.callback.InboundDeadLetters;
import io.wxgate.config.WeChatProperties;
import io.wxgate.routes.RouteProblem;
import org.apache.camel.CamelContext;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * {@code --check-routes [folder]}: loads the route files of a folder ({@code routes} by default) as the gateway does,
 * runs the examples written beside them ({@code <name>.examples.yaml}) through the gateway's inbound path, and says
 * which do not hold, as {@code file:line: example: what differs}. Exit status 0 when every file loads and every
 * example holds, 1 otherwise, 2 when the check could not run at all: an integrator's CI runs it before a deploy.
 *
 * <p>It starts only what that needs (CheckContext), with the gateway's settings ({@code application.yaml}, the
 * environment, the other arguments): no port is opened, nothing leaves the JVM (OffGatewayEndpoints), nothing is
 * written to the data folder.
 */
public final class RouteCheck {

    public static final String OPTION = "--check-routes";
    static final String DEFAULT_FOLDER = "routes";
    static final String ROUTE_FILES = ".camel.yaml";
    static final String EXAMPLE_FILES = ".examples.yaml";

    private RouteCheck() {
    }

    /** Whether the command line asks for a route check instead of the gateway. */
    public static boolean requested(String[] args) {
        return Stream.of(args).anyMatch(a -> a.equals(OPTION) || a.startsWith(OPTION + "="));
    }

    /** @return the exit status */
    public static int run(String[] args) {
        return run(args, System.out);
    }

    private static int run(String[] args, PrintStream out) {
        List<String> settings = new ArrayList<>();
        Path folder = Path.of(DEFAULT_FOLDER);
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith(OPTION + "=")) {
                folder = Path.of(args[i].substring(OPTION.length() + 1));
            } else if (args[i].equals(OPTION)) {
                if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    folder = Path.of(args[++i]);
                }
            } else {
                settings.add(args[i]);
            }
        }
        if (!Files.isDirectory(folder)) {
            out.println("wxgate route check: no folder " + folder);
            return 2;
        }
        Path scratch;
        try {
            scratch = Files.createTempDirectory("wxgate-route-check");
        } catch (IOException e) {
            out.println("wxgate route check: no temporary folder: " + e.getMessage());
            return 2;
        }
        try {
            return check(folder, settings, scratch, out);
        } finally {
            deleteQuietly(scratch);
        }
    }

    private static int check(Path folder, List<String> settings, Path scratch, PrintStream out) {
        ConfigurableApplicationContext gateway;
        try {
            gateway = start(settings, scratch);
        } catch (RuntimeException e) {
            out.println("wxgate route check: the gateway's settings do not start: " + rootMessage(e));
            return 1;
        }
        try (gateway) {
            CamelContext camel = gateway.getBean(CamelContext.class);
            List<RouteProblem> problems = RouteFiles.load(camel, files(folder, ROUTE_FILES));
            problems.forEach(out::println);
            List<Path> exampleFiles = files(folder, EXAMPLE_FILES);
            if (!problems.isEmpty()) {
                out.println(problems.size() + (problems.size() == 1 ? " problem" : " problems")
                        + " in the route files; examples not run");
                return 1;
            }
            return runExamples(gateway, exampleFiles, folder, out);
        }
    }

    private static int runExamples(ConfigurableApplicationContext gateway, List<Path> exampleFiles, Path folder,
            PrintStream out) {
        WeChatProperties settings = gateway.getBean(WeChatProperties.class);
        ExampleRun runner = new ExampleRun(gateway.getBean(CamelContext.class), gateway.getBean(SentOut.class),
                gateway.getBean(Accounts.class),
                Files.exists(Path.of(gateway.getBean(AccountsProperties.class).file())),
                "file:" + gateway.getBean(InboundDeadLetters.class).folder(), settings.callback().deadline());
        int examples = 0;
        int failed = 0;
        int unreadable = 0;
        for (Path file : exampleFiles) {
            List<Example> written;
            try {
                written = ExamplesFile.read(Files.readString(file));
            } catch (ExamplesFile.Mistake e) {
                out.println(file + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.getMessage());
                unreadable++;
                continue;
            } catch (IOException e) {
                out.println(file + ": cannot be read: " + e.getMessage());
                unreadable++;
                continue;
            }
            for (Example example : written) {
                examples++;
                List<String> differences = runner.run(example);
                if (!differences.isEmpty()) {
                    failed++;
                    for (String difference : differences) {
                        out.println(file + ":" + example.line() + ": " + example.name() + ": " + difference);
                    }
                }
            }
        }
        if (failed == 0 && unreadable == 0) {
            out.println(examples == 0 ? "routes load; no examples (*" + EXAMPLE_FILES + ") in " + folder
                    : examples + (examples == 1 ? " example in " : " examples in ") + exampleFiles.size()
                            + (exampleFiles.size() == 1 ? " file passed" : " files passed"));
            return 0;
        }
        List<String> summary = new ArrayList<>();
        if (failed > 0) {
            summary.add(failed + " of " + examples + (examples == 1 ? " example" : " examples") + " failed");
        }
        if (unreadable > 0) {
            summary.add(unreadable + (unreadable == 1 ? " examples file does" : " examples files do") + " not read");
        }
        out.println(String.join(", ", summary));
        return 1;
    }

    private static ConfigurableApplicationContext start(List<String> settings, Path scratch) {
        SpringApplication check = new SpringApplication(CheckContext.class);
        check.setWebApplicationType(WebApplicationType.NONE);
        check.setBannerMode(Banner.Mode.OFF);
        check.setLogStartupInfo(false);
        check.setRegisterShutdownHook(false);
        check.addListeners(new CheckSettings(scratch));
        return check.run(settings.toArray(String[]::new));
    }

    /**
     * The settings that make the gateway a check, above every other source: Camel loads no route file by itself
     * (RouteFiles does, one at a time), watches none and keeps no thread alive; local state goes to a scratch
     * folder, whatever {@code GATEWAY_DATA_DIR} says; every bean is made at start (application.yaml makes them when
     * first needed, and nothing here would ask for Camel). Below the command line only: logging, which the check
     * keeps to warnings as it reports what it finds itself ({@code --logging.level.root=INFO} shows the routes' logs).
     * Added once the environment is read and before logging starts (EnvironmentPostProcessorApplicationListener runs
     * at HIGHEST_PRECEDENCE + 10, LoggingApplicationListener at + 20).
     */
    private record CheckSettings(Path scratch) implements ApplicationListener<ApplicationEnvironmentPreparedEvent>,
            Ordered {

        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("gateway.data-dir", scratch.toString());
            check.put("spring.main.lazy-initialization", "false");
            check.put("camel.main.name", "wxgate-route-check");
            check.put("camel.main.routes-include-pattern", "false");
            check.put("camel.main.routes-reload-enabled", "false");
            check.put("camel.main.run-controller", "false");
            check.put("camel.main.jmx-enabled", "false");
            check.put("camel.main.source-location-enabled", "true");
            // A check is over in a second or two, which is what it is meant to be.
            check.put("camel.main.warn-on-early-shutdown", "false");
            Map<String, Object> logging = new LinkedHashMap<>();
            logging.put("logging.level.root", "WARN");
            // A failed message, wrong reply headers, a route that throws: the check reports each in one line, so
            // neither the inbound route nor Camel's error handler need log them (with a page of stack trace).
            logging.put("logging.level.io.wxgate.callback", "OFF");
            logging.put("logging.level.org.apache.camel.processor.errorhandler", "OFF");
            MutablePropertySources sources = event.getEnvironment().getPropertySources();
            sources.addFirst(new MapPropertySource("wxgateRouteCheck", check));
            MapPropertySource quiet = new MapPropertySource("wxgateRouteCheckLogging", logging);
            if (sources.contains(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME)) {
                sources.addAfter(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME, quiet);
            } else {
                sources.addAfter("wxgateRouteCheck", quiet);
            }
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE + 15;
        }
    }

    private static List<Path> files(Path folder, String suffix) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix) && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder: the system cleans it up
        }
    }
}
