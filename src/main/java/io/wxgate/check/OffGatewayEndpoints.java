package io.wxgate.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.impl.engine.DefaultComponentResolver;
import org.apache.camel.spi.ComponentResolver;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.util.URISupport;

/**
 * The route check's component resolver: components that stay inside the gateway ({@code direct}, {@code seda},
 * {@code log}, …) are Camel's own; every other component the gateway has is replaced by one whose endpoints record
 * what they are sent ({@link SentOut}) and do nothing else, and whose consumers never receive anything. So a route
 * that calls a broker, a database or an HTTP service loads and runs with none of them there, and nothing leaves.
 *
 * <p>Why not Camel's {@code mockEndpointsAndSkip} ({@code InterceptSendToMockEndpointStrategy}): it wraps the real
 * endpoint, so the real component is still created and its producer started — SQL wants its DataSource, RabbitMQ
 * its connection factory, MQTT connects — and the check would need the very systems it is meant to do without. A
 * replaced component needs nothing; it still refuses what the gateway would refuse: a component the gateway does
 * not have (Camel then reports "No endpoint could be found"), and an option the real endpoint does not know.
 */
final class OffGatewayEndpoints implements ComponentResolver {

    /** Components whose endpoints stay in the JVM and touch nothing outside it: they run as in the gateway. */
    static final Set<String> IN_GATEWAY = Set.of("direct", "seda", "log", "bean", "class", "language", "dataformat",
            "ref", "mock", "stub", "browse", "dataset", "validator", "xslt", "caffeine-cache", "caffeine-loadcache");

    private final ComponentResolver camelsOwn;
    private final SentOut sentOut;

    OffGatewayEndpoints(ComponentResolver camelsOwn, SentOut sentOut) {
        this.camelsOwn = camelsOwn;
        this.sentOut = sentOut;
    }

    @Override
    public Component resolveComponent(String name, CamelContext camel) throws Exception {
        if (IN_GATEWAY.contains(name)) {
            return camelsOwn.resolveComponent(name, camel);
        }
        if (camel.getCamelContextExtension().getFactoryFinder(DefaultComponentResolver.RESOURCE_PATH)
                .findClass(name).isEmpty()) {
            return null;
        }
        return new Recording(name, sentOut, camel.getCamelContextExtension().getEndpointUriFactory(name));
    }

    /** An option the real endpoint would refuse: the gateway would not start with it. */
    static final class UnknownOption extends IllegalArgumentException {
        UnknownOption(String message) {
            super(message);
        }
    }

    /** A component the gateway has, standing in for it. */
    private static final class Recording extends DefaultComponent {

        private final String name;
        private final SentOut sentOut;
        private final EndpointUriFactory realOptions;

        Recording(String name, SentOut sentOut, EndpointUriFactory realOptions) {
            this.name = name;
            this.sentOut = sentOut;
            this.realOptions = realOptions;
            // Camel would otherwise autowire it through the real component's configurer, which casts it to that type.
            setAutowiredEnabled(false);
        }

        @Override
        protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
            List<String> unknown = unknownOptions(parameters.keySet());
            if (!unknown.isEmpty()) {
                throw new UnknownOption(name + " endpoints have no option " + String.join(", ", unknown) + " ("
                        + URISupport.sanitizeUri(uri) + ")");
            }
            parameters.clear();
            return new Records(uri, this);
        }

        private List<String> unknownOptions(Set<String> given) {
            List<String> unknown = new ArrayList<>();
            if (realOptions == null || realOptions.isLenientProperties()) {
                // An HTTP endpoint passes options it does not know on to the server as query parameters.
                return unknown;
            }
            Set<String> known = realOptions.propertyNames();
            for (String option : given) {
                boolean prefixed = realOptions.multiValuePrefixes().keySet().stream().anyMatch(option::startsWith);
                if (!known.contains(option) && !prefixed) {
                    unknown.add(option);
                }
            }
            return unknown;
        }
    }

    private static final class Records extends DefaultEndpoint {

        Records(String uri, Recording component) {
            super(uri, component);
        }

        @Override
        public boolean isLenientProperties() {
            return true;
        }

        @Override
        public Producer createProducer() {
            SentOut sentOut = ((Recording) getComponent()).sentOut;
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) {
                    sentOut.record(getEndpoint().getEndpointUri(), exchange);
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            // A route that reads from outside (a queue, a topic, a timer) loads and starts, and is never fed.
            return new DefaultConsumer(this, processor);
        }
    }
}
