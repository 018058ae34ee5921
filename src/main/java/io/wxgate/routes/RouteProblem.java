package io.wxgate.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.camel.ExpressionIllegalSyntaxException;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.ResolveEndpointFailedException;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Why a route file did not load, said the way an integrator can act on it: the file, the line and the reason
 * ({@code routes/menu-click.camel.yaml:9: …}), the same in the log of a reload and in the message that stops a
 * start-up. Camel's own exceptions name the route and print its whole model, not the line that broke: the line
 * is YAML's own mark where the file did not parse, else the first line at or below the route's {@code id:} that
 * holds the endpoint or expression Camel refused.
 *
 * @param file   the route file, as the gateway was told of it
 * @param line   1-based; 0 when the file could not be read
 * @param reason one line
 */
public record RouteProblem(Path file, int line, String reason) {

    private static final Pattern ROUTE_ID = Pattern.compile("^\\s*-?\\s*(route)?Id:\\s*[\"']?([^\"'#\\s]+)", Pattern.CASE_INSENSITIVE);

    /**
     * @param failure   what loading or starting the routes threw
     * @param fileOfRoute the file a route id came from, or empty when not known
     * @param loading   the file being loaded, when the failure is known to come from it (a reload)
     */
    public static RouteProblem of(Throwable failure, Function<String, Optional<Path>> fileOfRoute, Optional<Path> loading) {
        Optional<MarkedYamlEngineException> yaml = cause(failure, MarkedYamlEngineException.class);
        if (yaml.isPresent()) {
            MarkedYamlEngineException e = yaml.get();
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            Path file = loading.or(() -> fileNamedIn(failure)).orElse(Path.of("?"));
            return new RouteProblem(file, line, yamlReason(e));
        }
        String routeId = cause(failure, FailedToCreateRouteException.class).map(FailedToCreateRouteException::getRouteId)
                .orElse(null);
        Optional<Path> file = loading.or(() -> routeId == null ? Optional.empty() : fileOfRoute.apply(routeId))
                .or(() -> fileNamedIn(failure));
        String reason = reason(failure);
        if (file.isEmpty()) {
            return new RouteProblem(Path.of("?"), 0, (routeId == null ? "" : "route " + routeId + ": ") + reason);
        }
        return new RouteProblem(file.get(), lineOf(file.get(), routeId, token(failure)), reason);
    }

    /** The route ids a route file declares, in order (for finding which file a failed route came from). */
    public static List<String> routeIds(Path file) {
        List<String> ids = new ArrayList<>();
        for (String line : lines(file)) {
            var m = ROUTE_ID.matcher(line);
            if (m.find()) {
                ids.add(m.group(2));
            }
        }
        return ids;
    }

    @Override
    public String toString() {
        return display(file) + (line > 0 ? ":" + line : "") + ": " + reason;
    }

    /** A path under the working directory as the integrator wrote it (routes/x.camel.yaml), else absolute. */
    static String display(Path file) {
        Path here = Path.of("").toAbsolutePath();
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(here) ? here.relativize(abs).toString() : abs.toString();
    }

    private static String yamlReason(MarkedYamlEngineException e) {
        String context = e.getContext() == null ? "" : e.getContext().strip() + ": ";
        String problem = e.getProblem() == null ? String.valueOf(e.getMessage()) : e.getProblem().strip();
        return oneLine(context + problem);
    }

    private static String reason(Throwable failure) {
        Optional<ExpressionIllegalSyntaxException> expression = cause(failure, ExpressionIllegalSyntaxException.class);
        if (expression.isPresent()) {
            return oneLine("invalid expression " + expression.get().getExpression() + ": " + rootMessage(expression.get()));
        }
        return oneLine(rootMessage(failure));
    }

    /** What to look for on the failing line: the endpoint URI or expression Camel refused. */
    private static String token(Throwable failure) {
        Optional<String> uri = cause(failure, NoSuchEndpointException.class).map(NoSuchEndpointException::getUri)
                .or(() -> cause(failure, ResolveEndpointFailedException.class).map(ResolveEndpointFailedException::getUri));
        if (uri.isPresent()) {
            // Camel normalises scheme:rest to scheme://rest; the file has what the integrator wrote.
            String written = uri.get().replaceFirst("^([A-Za-z0-9+.-]+)://", "$1:");
            int query = written.indexOf('?');
            return query > 0 ? written.substring(0, query) : written;
        }
        return cause(failure, ExpressionIllegalSyntaxException.class).map(ExpressionIllegalSyntaxException::getExpression)
                .orElse(null);
    }

    /** The first line at or below route {@code routeId}'s id that holds {@code token}; the id's line without one. */
    static int lineOf(Path file, String routeId, String token) {
        List<String> lines = lines(file);
        int from = 0;
        if (routeId != null) {
            for (int i = 0; i < lines.size(); i++) {
                var m = ROUTE_ID.matcher(lines.get(i));
                if (m.find() && m.group(2).equals(routeId)) {
                    from = i;
                    break;
                }
            }
        }
        if (token != null && !token.isBlank()) {
            for (int i = from; i < lines.size(); i++) {
                if (lines.get(i).contains(token)) {
                    return i + 1;
                }
            }
        }
        return lines.isEmpty() ? 0 : from + 1;
    }

    private static Optional<Path> fileNamedIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null) {
                var m = Pattern.compile("file:(\\S+\\.ya?ml)").matcher(message);
                if (m.find()) {
                    return Optional.of(Path.of(m.group(1)));
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
