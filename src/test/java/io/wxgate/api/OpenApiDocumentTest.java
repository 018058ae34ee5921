package io.wxgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.wxgate.config.SendApi;
import io.wxgate.store.SendRecord;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The OpenAPI description served at {@code GET /api/v1/openapi.json} is valid, and says what the running gateway
 * does: every operation Camel serves under {@code /api/} is described and every described one is served, and the
 * fields and parameters it names are the ones the API answers with and accepts.
 */
class OpenApiDocumentTest extends GatewayTest {

    private static final String DOCUMENT = "/api/v1/openapi.json";

    @Autowired
    CamelContext camel;

    private final ApiClient api = new ApiClient(PORT, API_KEY);

    /** The served document, as the parser reads it with every $ref resolved in place. */
    private OpenAPI served() {
        HttpResponse<String> answer = api.get(DOCUMENT);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        ParseOptions options = new ParseOptions();
        options.setResolveFully(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(answer.body(), null, options);
        assertThat(parsed.getMessages()).as("the parser's complaints").isEmpty();
        return parsed.getOpenAPI();
    }

    @Test
    void theDescriptionIsServedAsJsonToAKeyOnly() {
        HttpResponse<String> answer = api.get(DOCUMENT);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(ApiClient.json(answer).get("openapi").asText()).startsWith("3.0.");
        assertThat(api.withKey(null).get(DOCUMENT).statusCode()).isEqualTo(401);
        assertThat(api.withKey("wrong").get(DOCUMENT).statusCode()).isEqualTo(401);
        assertThat(api.withKey(SECOND_API_KEY).get(DOCUMENT).statusCode()).isEqualTo(200);
    }

    @Test
    void theDescriptionIsValidOpenApiWithTheBearerScheme() {
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(api.get(DOCUMENT).body(), null,
                new ParseOptions());

        assertThat(parsed.getMessages()).as("the parser's complaints").isEmpty();
        OpenAPI document = parsed.getOpenAPI();
        assertThat(document.getComponents().getSecuritySchemes()).hasEntrySatisfying("bearer",
                scheme -> assertThat(scheme.getScheme()).isEqualTo("bearer"));
        assertThat(document.getSecurity()).singleElement().satisfies(r -> assertThat(r).containsOnlyKeys("bearer"));
        operations(served()).forEach((name, operation) -> assertThat(operation.getResponses())
                .as("%s answers 401 without a key and 500 on a failure", name).containsKeys("401", "500"));
    }

    @Test
    void everyOperationServedIsDescribedAndEveryDescribedOneIsServed() {
        Set<String> described = operations(served()).keySet();
        Set<String> served = new TreeSet<>();
        for (RestDefinition rest : ((ModelCamelContext) camel).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                // A trailing * is the REST wildcard, the rest of the path with its slashes: the proxy's {path}.
                String path = join(rest.getPath(), verb.getPath()).replaceFirst("/\\*$", "/{path}");
                if (path.startsWith("/api/")) {
                    served.add(verb.asVerb().toUpperCase() + " " + path);
                }
            }
        }

        Set<String> undescribed = new TreeSet<>(served);
        undescribed.removeAll(described);
        Set<String> unserved = new TreeSet<>(described);
        unserved.removeAll(served);
        if (!undescribed.isEmpty() || !unserved.isEmpty()) {
            fail("openapi/wxgate-api.yaml and the routes differ.%n  served, not described: %s%n"
                    + "  described, not served: %s", undescribed, unserved);
        }
        assertThat(served).as("the REST definitions were read").contains("GET /api/v1/openapi.json",
                "POST /api/v1/accounts/{appId}/template-messages");
    }

    /** An HTTP consumer outside the REST DSL (a proxy matching a path prefix, say) must be described too. */
    @Test
    void everyOtherApiEndpointIsDescribedUnderItsPath() {
        List<String> paths = new ArrayList<>(operations(served()).keySet().stream()
                .map(operation -> operation.substring(operation.indexOf(' ') + 1)).toList());
        for (Route route : camel.getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith("rest:") || !uri.matches("^(jetty|platform-http|servlet|undertow|netty-http):.*")) {
                continue;
            }
            String rest = uri.substring(uri.indexOf(':') + 1);
            String path = rest.contains("://") ? URI.create(rest).getPath() : rest.replaceFirst("\\?.*", "");
            if (path.startsWith("/api/")) {
                assertThat(paths).as("route %s serves %s", route.getRouteId(), path)
                        .anyMatch(described -> described.startsWith(path));
            }
        }
    }

    @Test
    void aSendsFieldsAreTheDescribedOnes() {
        resetWeChat();
        OpenAPI document = served();
        String since = URLEncoder.encode(Instant.now().toString(), StandardCharsets.UTF_8);

        HttpResponse<String> accepted = api.post("/api/v1/template-messages", "{\"touser\":\"" + Samples.user()
                + "\",\"template_id\":\"tmpl-order\",\"data\":{\"k\":{\"value\":\"v\"}}}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = ApiClient.json(accepted).get("id").asText();
        JsonNode sent = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> ApiClient.json(api.get("/api/v1/template-messages/" + id)),
                        s -> "sent".equals(s.path("status").asText()));
        JsonNode listed = ApiClient.json(api.get("/api/v1/sends?limit=1&from=" + since));

        assertThat(fields(ApiClient.json(accepted))).isEqualTo(
                properties(document, answer(document, "POST", "/template-messages", "202")));
        Schema<?> status = answer(document, "GET", "/template-messages/{id}", "200");
        assertThat(fields(sent)).isEqualTo(properties(document, status));
        assertThat(required(document, status)).as("every key present").isEqualTo(fields(sent));
        Schema<?> page = answer(document, "GET", "/sends", "200");
        assertThat(fields(listed)).isEqualTo(properties(document, page));
        assertThat(fields(listed.get("sends").get(0)))
                .isEqualTo(properties(document, page.getProperties().get("sends").getItems()));
        assertThat(fields(ApiClient.json(api.get("/api/v1/access-token"))))
                .isEqualTo(properties(document, answer(document, "GET", "/access-token", "200")));
    }

    @Test
    void theDescribedListingParametersAreTheOnesItTakesAndEachIsAccepted() {
        resetWeChat();
        OpenAPI document = served();
        for (int i = 0; i < 2; i++) {
            assertThat(api.post("/api/v1/template-messages", "{\"touser\":\"" + Samples.user()
                    + "\",\"template_id\":\"tmpl-order\",\"data\":{}}").statusCode()).isEqualTo(202);
        }
        String cursor = ApiClient.json(api.get("/api/v1/sends?limit=1")).get("next").asText();
        List<Parameter> parameters = document.getPaths().get("/sends").getGet().getParameters();

        assertThat(parameters).extracting(Parameter::getName).containsExactlyInAnyOrderElementsOf(SendListing.PARAMETERS);
        assertThat(document.getPaths().get("/accounts/{appId}/sends").getGet().getParameters())
                .extracting(Parameter::getName).containsAll(SendListing.PARAMETERS);
        for (Parameter parameter : parameters) {
            List<String> values = new ArrayList<>();
            Schema<?> schema = parameter.getSchema();
            if (schema.getEnum() != null) {
                schema.getEnum().forEach(value -> values.add(value.toString()));
            } else if (parameter.getName().equals("cursor")) {
                values.add(cursor);
            } else {
                assertThat(parameter.getExample()).as("%s has an example", parameter.getName()).isNotNull();
                values.add(parameter.getExample().toString());
            }
            for (String value : values) {
                String query = parameter.getName() + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
                HttpResponse<String> answer = api.get("/api/v1/sends?" + query);
                assertThat(answer.statusCode()).as("%s: %s", query, answer.body()).isEqualTo(200);
            }
        }
        assertThat(enumOf(parameters, "status")).containsExactlyInAnyOrder(SendRecord.QUEUED, SendRecord.SENT,
                SendRecord.DELIVERED, SendRecord.FAILED);
        assertThat(enumOf(parameters, "api")).containsExactlyInAnyOrderElementsOf(
                List.of(SendApi.values()).stream().map(SendApi::key).toList());
    }

    /** {@code "METHOD /api/v1/path"} for every operation, the server's path put in front of each. */
    private static Map<String, Operation> operations(OpenAPI document) {
        String base = document.getServers().get(0).getUrl();
        Map<String, Operation> found = new TreeMap<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                found.put(method.name() + " " + join(base, path), operation)));
        return found;
    }

    private static String join(String base, String path) {
        String tail = path == null || path.isEmpty() ? "" : path.startsWith("/") ? path : "/" + path;
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + tail;
    }

    private static Schema<?> answer(OpenAPI document, String method, String path, String status) {
        Operation operation = document.getPaths().get(path).readOperationsMap()
                .get(PathItem.HttpMethod.valueOf(method));
        return operation.getResponses().get(status).getContent().get("application/json").getSchema();
    }

    /** The properties a schema gives an object, through $ref and allOf. */
    private static Set<String> properties(OpenAPI document, Schema<?> schema) {
        Set<String> names = new TreeSet<>();
        Schema<?> s = resolve(document, schema);
        if (s.getProperties() != null) {
            names.addAll(s.getProperties().keySet());
        }
        if (s.getAllOf() != null) {
            s.getAllOf().forEach(part -> names.addAll(properties(document, part)));
        }
        return names;
    }

    private static Set<String> required(OpenAPI document, Schema<?> schema) {
        Set<String> names = new TreeSet<>();
        Schema<?> s = resolve(document, schema);
        if (s.getRequired() != null) {
            names.addAll(s.getRequired());
        }
        if (s.getAllOf() != null) {
            s.getAllOf().forEach(part -> names.addAll(required(document, part)));
        }
        return names;
    }

    private static Schema<?> resolve(OpenAPI document, Schema<?> schema) {
        if (schema.get$ref() == null) {
            return schema;
        }
        String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
        return document.getComponents().getSchemas().get(name);
    }

    private static Set<String> fields(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> enumOf(List<Parameter> parameters, String name) {
        Schema<?> schema = parameters.stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow()
                .getSchema();
        Set<String> values = new LinkedHashSet<>();
        schema.getEnum().forEach(value -> values.add(value.toString()));
        return values;
    }
}
