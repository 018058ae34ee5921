package io.wxgate.routes;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.camel.FailedToCreateRouteException;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * A route file that does not load stops the start-up (a deploy pipeline must see it) with the same one-line
 * message a failed reload logs — file, line, reason — instead of Camel's stack trace that prints the route's
 * whole model and no line.
 */
public class RouteFailureAnalyzer implements FailureAnalyzer {

    private final Environment environment;

    public RouteFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        if (!isRouteFailure(failure)) {
            return null;
        }
        RouteProblem problem = RouteProblem.of(failure, this::fileOf, Optional.empty());
        return new FailureAnalysis("A route file did not load:\n\n    " + problem + "\n",
                "Correct the file and start again. To check route files and their examples before a deploy, "
                        + "see the README's \"Check an edit before deploying\".", failure);
    }

    private static boolean isRouteFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException || t instanceof MarkedYamlEngineException
                    || String.valueOf(t.getMessage()).startsWith("Error pre-parsing resource")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The route file (of camel.main.routes-include-pattern) that declares a route id. */
    private Optional<Path> fileOf(String routeId) {
        for (Path file : routeFiles()) {
            if (RouteProblem.routeIds(file).contains(routeId)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    private List<Path> routeFiles() {
        List<Path> files = new ArrayList<>();
        String patterns = environment.getProperty("camel.main.routes-include-pattern", "");
        for (String pattern : patterns.split(",")) {
            pattern = pattern.strip();
            if (!pattern.startsWith("file:")) {
                continue;
            }
            Path glob = Path.of(pattern.substring("file:".length()));
            Path dir = glob.getParent() == null ? Path.of(".") : glob.getParent();
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob.getFileName());
            try (Stream<Path> listed = Files.list(dir)) {
                listed.filter(p -> matcher.matches(p.getFileName())).sorted().forEach(files::add);
            } catch (IOException | RuntimeException unreadable) {
                // A folder that cannot be listed names no file; the message then says the route id.
            }
        }
        return files;
    }
}
