package io.wxgate.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.ExpressionIllegalSyntaxException;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.Route;
import org.apache.camel.RouteConfigurationsBuilder;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.language.simple.types.SimpleIllegalSyntaxException;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.URISupport;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Loads the route files of a folder as the gateway does — Camel's YAML DSL, route configurations first, then the
 * routes, then the templated ones — but one file at a time, so that every file that does not load is named with the
 * line and the reason, not only the first.
 */
final class RouteFiles {

    /** What is wrong in a route file, and where; {@code line} is 0 when Camel gave no way to tell. */
    record Problem(Path file, int line, String reason) {
    }

    private static final String TAKEN = "Multiple consumers for the same endpoint is not allowed:";

    private RouteFiles() {
    }

    static List<Problem> load(CamelContext camel, List<Path> files) {
        RoutesLoader loader = PluginHelper.getRoutesLoader(camel);
        List<Problem> problems = new ArrayList<>();
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
        problems.sort(Comparator.comparing(Problem::file).thenComparingInt(Problem::line));
        return problems;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(Step step, Map.Entry<RoutesBuilder, Path> entry, CamelContext camel,
            List<Problem> problems, List<RoutesBuilder> failed) {
        try {
            step.run();
        } catch (Exception e) {
            problems.add(problem(entry.getValue(), e, entry.getKey(), camel));
            failed.add(entry.getKey());
        }
    }

    /**
     * A route id given twice, in two files: Camel keeps the route added last and quietly drops the other (as a reload
     * replaces a route), in the gateway as here. Never what its author meant.
     */
    private static List<Problem> sharedIds(Map<RoutesBuilder, Path> builders, List<RoutesBuilder> failed) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Path> owners = new HashMap<>();
        for (Map.Entry<RoutesBuilder, Path> entry : builders.entrySet()) {
            if (!(entry.getKey() instanceof RouteBuilder routes) || failed.contains(entry.getKey())) {
                continue;
            }
            for (RouteDefinition route : routes.getRouteCollection().getRoutes()) {
                Path owner = route.getId() == null ? null : owners.putIfAbsent(route.getId(), entry.getValue());
                if (owner != null) {
                    problems.add(new Problem(entry.getValue(), Math.max(route.getLineNumber(), 0), "route "
                            + route.getId() + ": a route of " + owner + " has the same id, and only one of them would run"));
                }
            }
        }
        return problems;
    }

    /** Where in the file and why, from what Camel's YAML DSL or route reifier threw. */
    static Problem problem(Path file, Throwable failure, RoutesBuilder builder, CamelContext camel) {
        Optional<MarkedYamlEngineException> yaml = find(failure, MarkedYamlEngineException.class);
        if (yaml.isPresent()) {
            MarkedYamlEngineException marked = yaml.get();
            int line = marked.getProblemMark().or(marked::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            String context = marked.getContext() == null ? ""
                    : " (" + marked.getContext() + marked.getContextMark().filter(m -> m.getLine() + 1 != line)
                            .map(m -> " at line " + (m.getLine() + 1)).orElse("") + ")";
            return new Problem(file, line, "does not load: " + firstLine(marked.getProblem()) + context);
        }
        Optional<FailedToCreateRouteException> route = find(failure, FailedToCreateRouteException.class);
        if (route.isPresent()) {
            FailedToCreateRouteException created = route.get();
            Throwable cause = created.getCause() != null ? created.getCause() : created;
            RouteDefinition definition = definition(builder, created.getRouteId());
            int line = definition == null ? 0 : lineOf(definition, at(created.getMessage()), cause, file);
            return new Problem(file, line, "route " + created.getRouteId() + " does not load: " + reason(cause));
        }
        Optional<FailedToStartRouteException> start = find(failure, FailedToStartRouteException.class);
        if (start.isPresent()) {
            String routeId = start.get().getRouteId();
            RouteDefinition definition = definition(builder, routeId);
            return new Problem(file, definition == null ? 0 : Math.max(definition.getLineNumber(), 0), "route "
                    + routeId + " does not load: " + startFailure(start.get(), routeId, camel));
        }
        return new Problem(file, 0, "does not load: " + reason(failure));
    }

    /** Camel's reason; for an input another route already has, which route that is and where. */
    private static String startFailure(FailedToStartRouteException failure, String routeId, CamelContext camel) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        String message = firstLine(cause.getMessage() != null ? cause.getMessage() : failure.getMessage());
        String taken = message.contains(TAKEN) ? message.substring(message.indexOf(TAKEN) + TAKEN.length()).trim() : null;
        if (taken != null) {
            for (Route other : camel.getRoutes()) {
                if (!other.getRouteId().equals(routeId) && taken.equals(other.getEndpoint().getEndpointUri())) {
                    return taken + " is already the input of route " + other.getRouteId()
                            + (other.getSourceLocationShort() == null ? "" : " (" + other.getSourceLocationShort() + ")");
                }
            }
        }
        return message;
    }

    private static String reason(Throwable cause) {
        Optional<ExpressionIllegalSyntaxException> expression = find(cause, ExpressionIllegalSyntaxException.class);
        if (expression.isPresent()) {
            String language = expression.get() instanceof SimpleIllegalSyntaxException ? "simple " : "";
            // Camel's message: the reason and the position, then the expression with a caret under it.
            return language + "expression \"" + expression.get().getExpression() + "\" is not valid: "
                    + firstLine(expression.get().getMessage());
        }
        Optional<OffGatewayEndpoints.UnknownOption> option = find(cause, OffGatewayEndpoints.UnknownOption.class);
        if (option.isPresent()) {
            return option.get().getMessage();
        }
        Optional<NoSuchEndpointException> endpoint = find(cause, NoSuchEndpointException.class);
        if (endpoint.isPresent()) {
            String uri = URISupport.sanitizeUri(endpoint.get().getUri());
            return "the gateway has no component \"" + uri.substring(0, Math.max(0, uri.indexOf(':')))
                    + "\" (" + uri + ")";
        }
        Throwable deepest = cause;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = cause.getMessage() != null ? cause.getMessage() : deepest.toString();
        return firstLine(URISupport.sanitizeUri(message));
    }

    private static RouteDefinition definition(RoutesBuilder builder, String routeId) {
        if (builder instanceof RouteBuilder routes && routeId != null) {
            for (RouteDefinition definition : routes.getRouteCollection().getRoutes()) {
                if (routeId.equals(definition.getId())) {
                    return definition;
                }
            }
        }
        return null;
    }

    /** Camel names the failing step by its text: {@code … at: >>> to[kafak:topic] <<< in route: …}. */
    private static String at(String message) {
        int start = message == null ? -1 : message.indexOf(" at: >>> ");
        int end = start < 0 ? -1 : message.indexOf(" <<< in route: ", start);
        return end < 0 ? null : message.substring(start + " at: >>> ".length(), end);
    }

    /**
     * The line of the failing step; for an expression, the line that holds it. The YAML DSL gives every step its line,
     * but the {@code when} clauses of a choice one too few, so an expression is looked for in the file from the step on.
     */
    private static int lineOf(RouteDefinition route, String at, Throwable cause, Path file) {
        ProcessorDefinition<?> step = at == null ? null : find(route.getOutputs(), at);
        int line = step != null && step.getLineNumber() > 0 ? step.getLineNumber() : route.getLineNumber();
        Optional<ExpressionIllegalSyntaxException> expression = find(cause, ExpressionIllegalSyntaxException.class);
        if (expression.isPresent() && expression.get().getExpression() != null && line > 0) {
            List<String> lines = lines(file);
            for (int i = line - 1; i < lines.size(); i++) {
                if (lines.get(i).contains(expression.get().getExpression())) {
                    return i + 1;
                }
            }
        }
        return Math.max(line, 0);
    }

    private static ProcessorDefinition<?> find(List<?> steps, String text) {
        for (Object node : steps) {
            if (!(node instanceof ProcessorDefinition<?> step)) {
                continue;
            }
            if (text.equals(step.toString())) {
                return step;
            }
            List<Object> inner = new ArrayList<>(step.getOutputs());
            if (step instanceof ChoiceDefinition choice) {
                inner.addAll(choice.getWhenClauses());
                if (choice.getOtherwise() != null) {
                    inner.add(choice.getOtherwise());
                }
            }
            ProcessorDefinition<?> found = find(inner, text);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }
}
