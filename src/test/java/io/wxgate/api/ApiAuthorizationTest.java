package io.wxgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.wxgate.testkit.GatewayTest;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.InterceptFromDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * ApiRoutes authorizes with an interceptFrom() without a pattern, which Camel applies to the start of every route
 * that RouteBuilder defines. With the REST DSL's inline-routes (Camel's default) each REST verb and the direct:
 * route it calls become one route, so the key is checked once per request; were they separate routes again, the
 * direct: half would check it a second time. This pins both: once on each REST route, nowhere else.
 */
class ApiAuthorizationTest extends GatewayTest {

    @Autowired
    CamelContext camel;

    @Test
    void everyApiRequestIsAuthorizedOnceAndNoOtherRouteIsAuthorized() {
        ModelCamelContext model = (ModelCamelContext) camel;

        List<Route> rest = camel.getRoutes().stream()
                .filter(r -> r.getEndpoint().getEndpointUri().startsWith("rest:")).toList();

        assertThat(rest).isNotEmpty().allSatisfy(r -> assertThat(authorizations(model, r)).as(r.getRouteId()).isOne());
        assertThat(camel.getRoutes()).filteredOn(r -> !rest.contains(r))
                .allSatisfy(r -> assertThat(authorizations(model, r)).as(r.getRouteId()).isZero());
    }

    private static long authorizations(ModelCamelContext model, Route route) {
        return model.getRouteDefinition(route.getRouteId()).getOutputs().stream()
                .filter(InterceptFromDefinition.class::isInstance).count();
    }
}
