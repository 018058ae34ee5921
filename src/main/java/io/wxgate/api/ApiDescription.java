package io.wxgate.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The API's OpenAPI description, served at {@code GET /api/v1/openapi.json}. It is written by hand in YAML
 * ({@value #RESOURCE}) because the routes build their answers themselves (REST binding off): a description generated
 * from the REST DSL would know the paths but not one field of the bodies. Read once at start, so a description that
 * does not parse stops start-up instead of failing the first client that asks for it.
 */
final class ApiDescription {

    static final String RESOURCE = "openapi/wxgate-api.yaml";

    private ApiDescription() {
    }

    static ObjectNode load() {
        try (InputStream in = ApiDescription.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            JsonNode document = new YAMLMapper().readTree(in);
            if (!(document instanceof ObjectNode object) || !object.has("openapi")) {
                throw new IllegalStateException(RESOURCE + " is not an OpenAPI document");
            }
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
