package io.wxgate.routes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code GET /actuator/routes} on the management port: every loaded route with the file and line it came from
 * (the gateway's own Java routes say {@code built-in} and their class), its status and exchange counts, and how the route files'
 * last reload went. Read-only: Camel's {@code camelroutes} endpoint can also stop routes, and its counts need JMX.
 */
@Endpoint(id = "routes")
public class RoutesEndpoint {

    private final CamelContext camel;
    private final RouteReloads reloads;
    private final RouteCounts counts;

    RoutesEndpoint(CamelContext camel, RouteReloads reloads, RouteCounts counts) {
        this.camel = camel;
        this.reloads = reloads;
        this.counts = counts;
    }

    @ReadOperation
    public Map<String, Object> routes() {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<Map<String, Object>> routes = new ArrayList<>();
        List<Route> all = new ArrayList<>(camel.getRoutes());
        all.sort(Comparator.comparing((Route r) -> source(model.getRouteDefinition(r.getRouteId())))
                .thenComparing(Route::getRouteId));
        for (Route route : all) {
            RouteCounts.Count count = counts.of(route.getRouteId());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", route.getRouteId());
            row.put("source", source(model.getRouteDefinition(route.getRouteId())));
            row.put("from", route.getEndpoint().getEndpointBaseUri());
            row.put("status", String.valueOf(camel.getRouteController().getRouteStatus(route.getRouteId())));
            row.put("completed", count.completed());
            row.put("failed", count.failed());
            row.put("inflight", camel.getInflightRepository().size(route.getRouteId()));
            routes.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("lastReload", reloads.last());
        body.put("failing", reloads.failing());
        body.put("routes", routes);
        return body;
    }

    /** Where a route was written: file and line of its {@code - route:}, or {@code built-in} and the class. */
    static String source(RouteDefinition definition) {
        if (definition == null || definition.getResource() == null) {
            return "built-in";
        }
        String location = definition.getResource().getLocation();
        if (location.startsWith("source:")) {
            // a Java RouteBuilder of the gateway's own
            return "built-in " + location.substring("source:".length());
        }
        String file = location.startsWith("file:") ? RouteProblem.display(java.nio.file.Path.of(location.substring(5)))
                : location;
        int line = definition.getLineNumber();
        return line > 0 ? file + ":" + line : file;
    }
}
