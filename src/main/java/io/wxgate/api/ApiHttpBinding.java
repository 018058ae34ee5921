package io.wxgate.api;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Message;
import org.apache.camel.component.jetty.JettyHttpEndpoint;
import org.apache.camel.component.jetty.JettyRestHttpBinding;
import org.apache.camel.http.base.HttpHelper;
import org.eclipse.jetty.http.HttpException;

/**
 * camel-jetty's REST binding, except that a multipart/form-data body is not parsed into parts. The REST binding
 * reads the body, then asks the servlet request for its parameters, and with the multipart config camel-jetty
 * registers, that parses the (by then read) body again as parts: a media upload failed with "bad multipart". The
 * WeChat proxy passes a media upload on byte for byte (SPEC §8), and no other API path takes multipart (they answer
 * 415), so such a request gets only what the REST binding adds besides: the path's {placeholders} as headers. (The
 * REST endpoints also leave camel-jetty's multipart filter off, which would parse the parts before the binding.)
 */
final class ApiHttpBinding extends JettyRestHttpBinding {

    static final String AUTHORIZATION = "Authorization";
    /** An exchange property, true when the query string could not be read. */
    static final String BAD_QUERY = "wxgateBadQuery";

    @SuppressWarnings("deprecation")
    ApiHttpBinding() {
        // The endpoint's settings the other constructor copies are the binding's defaults on every API endpoint.
        super();
        // No API path takes a form: a form-encoded body stays the body (a JSON body sent with curl -d is labelled
        // so, and its parse as key=value pairs failed with an HTML 500 before the key was checked). It is then
        // refused 415 like any body that is not JSON, or passed on by the proxy byte for byte.
        setMapHttpMessageFormUrlEncodedBody(false);
    }

    @Override
    protected void populateRequestParameters(HttpServletRequest request, Message message) {
        try {
            populateParameters(request, message);
        } catch (RuntimeException e) {
            if (!(badMessage(e))) {
                throw e;
            }
            // Jetty's query parse: a bad %-escape. Answered 400 by the route (ApiRoutes) once the key is checked.
            message.getExchange().setProperty(BAD_QUERY, Boolean.TRUE);
        }
        // Query parameters are headers too, and the bearer key is read from a header: only the request's own
        // Authorization header may stand there (a key in the query string would also be passed on to WeChat).
        String authorization = request.getHeader(AUTHORIZATION);
        if (authorization == null) {
            message.removeHeader(AUTHORIZATION);
        } else {
            message.setHeader(AUTHORIZATION, authorization);
        }
    }

    /** Jetty's refusal of what the client sent, however Camel wrapped it. */
    private static boolean badMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException) {
                return true;
            }
        }
        return false;
    }

    private void populateParameters(HttpServletRequest request, Message message) {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            super.populateRequestParameters(request, message);
            return;
        }
        String path = request.getPathInfo();
        String consumerPath = ((JettyHttpEndpoint) message.getExchange().getFromEndpoint()).getPath();
        if (path != null && consumerPath.indexOf('{') > -1) {
            HttpHelper.evalPlaceholders(message.getHeaders(), path, consumerPath);
        }
    }
}
