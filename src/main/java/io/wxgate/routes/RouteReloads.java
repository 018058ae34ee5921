package io.wxgate.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route file that changed is loaded in place of its previous version, or not at all (SPEC §3). Camel's own
 * reload removes a file's routes before it makes their new version, so a YAML that parsed but did not start (an
 * unknown component, a broken {@code simple:}) left no route behind: every message then went nowhere. Here the
 * file's routes as they were are kept, and put back if the new version fails; the failure is logged with file,
 * line and reason and stays in the health detail (and {@code /actuator/routes}) until a version of that file loads.
 * Routes a new version no longer has are removed, so deleting a route from a file stops it.
 */
public final class RouteReloads implements ResourceReload {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloads.class);
    private static final Duration SETTLE_POLL = Duration.ofMillis(150);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(3);

    /** One reload's outcome: {@code problem} is null when the file's routes loaded. */
    public record Outcome(Instant at, String file, List<String> routeIds, String problem) {

        public boolean loaded() {
            return problem == null;
        }
    }

    private final CamelContext camel;
    private final Clock clock;
    private final Map<String, Outcome> failing = new LinkedHashMap<>();
    /** Each file's content as last loaded or tried, by file. */
    private final Map<String, String> attempted = new HashMap<>();
    private volatile Outcome last;

    RouteReloads(CamelContext camel, Clock clock) {
        this.camel = camel;
        this.clock = clock;
    }

    /** Takes over the reload of route files from Camel's file watcher (no-op when reloading is off). */
    void install() {
        RouteWatcherReloadStrategy watcher = camel.hasService(RouteWatcherReloadStrategy.class);
        if (watcher != null) {
            watcher.setResourceReload(this);
        }
    }

    @Override
    public synchronized void onReload(String name, Resource resource) {
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
            return;
        }
        Path file = Path.of(name);
        String shown = RouteProblem.display(file);
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<RouteDefinition> before = definitionsFrom(model, resource);
        if (!settled(file)) {
            attempted.remove(shown);
            removed(model, shown, before);
            return;
        }
        if (!changedSinceLastAttempt(shown, file)) {
            // the watcher reports one save as several events (created, modified)
            return;
        }
        Map<String, RouteDefinition> elsewhere = new HashMap<>();
        for (RouteDefinition rd : model.getRouteDefinitions()) {
            if (!before.contains(rd)) {
                elsewhere.put(rd.getRouteId(), rd);
            }
        }
        try {
            Set<String> ids = PluginHelper.getRoutesLoader(camel).updateRoutes(List.of(resource));
            // Camel replaces a route of the same id wherever it came from: a copied file would silently take over
            // the original's route. Ids are unique across files, as at start-up.
            for (String id : ids) {
                RouteDefinition taken = elsewhere.get(id);
                if (taken != null) {
                    String restored = restore(model, resource, before);
                    model.addRouteDefinitions(List.of(taken));
                    fail(new RouteProblem(file, RouteProblem.lineOf(file, id, null), "route id " + id
                            + " is already used by " + RoutesEndpoint.source(taken) + "; route ids must be unique"),
                            shown, before, restored);
                    return;
                }
            }
            for (RouteDefinition gone : before) {
                if (!ids.contains(gone.getRouteId())) {
                    model.removeRouteDefinition(gone);
                }
            }
            record(new Outcome(clock.instant(), shown, List.copyOf(ids), null));
            LOG.info("Routes reloaded from {}: {}", shown, ids);
        } catch (Exception e) {
            RouteProblem problem = RouteProblem.of(e, id -> Optional.empty(), Optional.of(file));
            fail(problem, shown, before, restore(model, resource, before));
        }
    }

    private void fail(RouteProblem problem, String shown, List<RouteDefinition> before, String restored) {
        record(new Outcome(clock.instant(), shown, before.stream().map(RouteDefinition::getRouteId).toList(),
                problem.toString()));
        LOG.error("Route file not loaded: {} ({})", problem, restored);
    }

    /**
     * Waits until the file stops changing: the watcher reports a save as it starts (a truncated, often empty
     * file), and loading that half-written version would fail, or worse, load half the routes. False when the
     * file is gone.
     */
    private static boolean settled(Path file) {
        long seen = -1;
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                long now = Files.size(file) * 31 + Files.getLastModifiedTime(file).toMillis();
                if (now == seen) {
                    return true;
                }
                seen = now;
                Thread.sleep(SETTLE_POLL.toMillis());
            } catch (IOException gone) {
                return Files.exists(file);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Files.exists(file);
            }
        }
        return true;
    }

    private boolean changedSinceLastAttempt(String shown, Path file) {
        try {
            String content = Files.readString(file);
            return !content.equals(attempted.put(shown, content));
        } catch (IOException unreadable) {
            return true;
        }
    }

    /** A deleted route file takes its routes with it. */
    private void removed(Model model, String shown, List<RouteDefinition> before) {
        try {
            model.removeRouteDefinitions(before);
            record(new Outcome(clock.instant(), shown, List.of(), null));
            LOG.info("Route file {} removed; its routes stopped: {}", shown,
                    before.stream().map(RouteDefinition::getRouteId).toList());
        } catch (Exception e) {
            record(new Outcome(clock.instant(), shown, before.stream().map(RouteDefinition::getRouteId).toList(),
                    shown + ": its routes could not be stopped: " + e.getMessage()));
            LOG.error("Route file {} removed, but its routes could not be stopped", shown, e);
        }
    }

    /** The file's routes as they were before the failed version: whatever the failed load left of it goes first. */
    private String restore(Model model, Resource resource, List<RouteDefinition> before) {
        try {
            for (RouteDefinition partial : definitionsFrom(model, resource)) {
                if (!before.contains(partial)) {
                    model.removeRouteDefinition(partial);
                }
            }
            model.addRouteDefinitions(before);
            return before.isEmpty() ? "the file had no routes before; none were added"
                    : "its previous routes keep serving: " + before.stream().map(RouteDefinition::getRouteId).toList();
        } catch (Exception e) {
            LOG.error("Could not put back the previous routes of {}", resource.getLocation(), e);
            return "its previous routes could not be put back: " + e.getMessage();
        }
    }

    private static List<RouteDefinition> definitionsFrom(Model model, Resource resource) {
        List<RouteDefinition> found = new ArrayList<>();
        for (RouteDefinition rd : model.getRouteDefinitions()) {
            if (rd.getResource() != null && sameFile(rd.getResource(), resource)) {
                found.add(rd);
            }
        }
        return found;
    }

    private static boolean sameFile(Resource a, Resource b) {
        return Path.of(strip(a.getLocation())).toAbsolutePath().normalize()
                .equals(Path.of(strip(b.getLocation())).toAbsolutePath().normalize());
    }

    private static String strip(String location) {
        return location.startsWith("file:") ? location.substring("file:".length()) : location;
    }

    private void record(Outcome outcome) {
        last = outcome;
        synchronized (failing) {
            if (outcome.loaded()) {
                failing.remove(outcome.file());
            } else {
                failing.put(outcome.file(), outcome);
            }
        }
    }

    /** The last reload, or null when no file changed since the start. */
    public Outcome last() {
        return last;
    }

    /** Files whose latest version did not load, oldest first: their previous routes are serving. */
    public List<Outcome> failing() {
        synchronized (failing) {
            return List.copyOf(failing.values());
        }
    }
}
