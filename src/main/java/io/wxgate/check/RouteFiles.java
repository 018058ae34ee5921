package io.wxgate.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.wxgate.routes.RouteProblem;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.Route;
import org.apache.camel.RouteConfigurationsBuilder;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * Loads the route files of a folder as the gateway does — Camel's YAML DSL, route configurations first, then the
 * routes, then the templated ones — but one file at a time, so that every file that does not load is named, not
 * only the first. A problem reads as the gateway logs it when a reload or a start-up fails ({@link RouteProblem}:
 * file, line, reason).
 */
final class RouteFiles {

    private static final String TAKEN = "Multiple consumers for the same endpoint is not allowed:";

    private RouteFiles() {
    }

    static List<RouteProblem> load(CamelContext camel, List<Path> files) {
        RoutesLoader loader = PluginHelper.getRoutesLoader(camel);
        List<RouteProblem> problems = new ArrayList<>();
        Map<RoutesBuilder, Path> builders = new LinkedHashMap<>();
        for (Path file : files) {
            try {
                for (RoutesBuilder builder : loader.findRoutesBuilders(
                        List.of(ResourceHelper.resolveMandatoryResource(camel, "file:" + file)))) {
                    builders.put(builder, file);
                }
            } catch (Exception e) {
                problems.add(problem(file, e, null, camel));
            }
        }
        // The order of RoutesLoader.loadRoutes: a route may name a routeConfiguration of another file.
        List<RoutesBuilder> failed = new ArrayList<>();
        for (Map.Entry<RoutesBuilder, Path> entry : builders.entrySet()) {
            if (entry.getKey() instanceof RouteConfigurationsBuilder configurations) {
                attempt(() -> camel.addRoutesConfigurations(configurations), entry, camel, problems, failed);
            }
        }
        for (Map.Entry<RoutesBuilder, Path> entry : builders.entrySet()) {
            if (!failed.contains(entry.getKey())) {
                attempt(() -> camel.addRoutes(entry.getKey()), entry, camel, problems, failed);
            }
        }
        for (Map.Entry<RoutesBuilder, Path> entry : builders.entrySet()) {
            if (!failed.contains(entry.getKey())) {
                attempt(() -> camel.addTemplatedRoutes(entry.getKey()), entry, camel, problems, failed);
            }
        }
        problems.addAll(sharedIds(builders, failed));
        problems.sort(Comparator.comparing(RouteProblem::file).thenComparingInt(RouteProblem::line));
        return problems;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(Step step, Map.Entry<RoutesBuilder, Path> entry, CamelContext camel,
            List<RouteProblem> problems, List<RoutesBuilder> failed) {
        try {
            step.run();
        } catch (Exception e) {
            problems.add(problem(entry.getValue(), e, entry.getKey(), camel));
            failed.add(entry.getKey());
        }
    }

    /**
     * A route id given in two files. Loaded one file at a time, Camel keeps the route added last and quietly drops the
     * other, as a reload would replace it; the gateway refuses such a file (RouteReloads), and so does the check.
     */
    private static List<RouteProblem> sharedIds(Map<RoutesBuilder, Path> builders, List<RoutesBuilder> failed) {
        List<RouteProblem> problems = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        for (Map.Entry<RoutesBuilder, Path> entry : builders.entrySet()) {
            if (!(entry.getKey() instanceof RouteBuilder routes) || failed.contains(entry.getKey())) {
                continue;
            }
            for (RouteDefinition route : routes.getRouteCollection().getRoutes()) {
                int line = Math.max(route.getLineNumber(), 0);
                String owner = route.getId() == null ? null
                        : owners.putIfAbsent(route.getId(), entry.getValue() + ":" + line);
                if (owner != null) {
                    problems.add(new RouteProblem(entry.getValue(), line, "route id " + route.getId()
                            + " is already used by " + owner + "; route ids must be unique"));
                }
            }
        }
        return problems;
    }

    /**
     * As the gateway says it; for an input that another route already has (Camel names only the endpoint), also
     * which route that is and where.
     */
    static RouteProblem problem(Path file, Throwable failure, RoutesBuilder builder, CamelContext camel) {
        Optional<FailedToStartRouteException> start = find(failure, FailedToStartRouteException.class);
        String message = start.map(s -> s.getCause() != null ? s.getCause().getMessage() : s.getMessage()).orElse("");
        if (start.isPresent() && message != null && message.contains(TAKEN)) {
            String routeId = start.get().getRouteId();
            String taken = message.substring(message.indexOf(TAKEN) + TAKEN.length()).strip();
            for (Route other : camel.getRoutes()) {
                if (!other.getRouteId().equals(routeId) && taken.equals(other.getEndpoint().getEndpointUri())) {
                    return new RouteProblem(file, lineOf(builder, routeId), "route " + routeId + ": its input "
                            + taken + " is already that of route " + other.getRouteId()
                            + (other.getSourceLocationShort() == null ? "" : " (" + other.getSourceLocationShort() + ")"));
                }
            }
        }
        return RouteProblem.of(failure, id -> Optional.empty(), Optional.of(file));
    }

    private static int lineOf(RoutesBuilder builder, String routeId) {
        if (builder instanceof RouteBuilder routes) {
            for (RouteDefinition definition : routes.getRouteCollection().getRoutes()) {
                if (definition.getId() != null && definition.getId().equals(routeId)) {
                    return Math.max(definition.getLineNumber(), 0);
                }
            }
        }
        return 0;
    }

    private static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }
}
