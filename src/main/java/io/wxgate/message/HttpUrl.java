package io.wxgate.message;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** The one test of "an absolute http or https URL with a host" that a reply's image URL and a web page's URL pass. */
public final class HttpUrl {

    private HttpUrl() {
    }

    /** The URL, when {@code text} is an absolute http or https URL naming a host; empty for anything else. */
    public static Optional<URI> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text);
            boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return web && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException notAUri) {
            return Optional.empty();
        }
    }
}
